from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.records, name="records"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("export/", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
]
