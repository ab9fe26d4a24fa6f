from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.office_settings, name="office_settings"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
]
