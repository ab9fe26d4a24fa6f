from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.office_settings, name="office_settings"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True), name="favicon"),
]
