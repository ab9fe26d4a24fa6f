from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("overrides/add/", views.override_add, name="override_add"),
    path("overrides/<int:pk>/remove/", views.override_remove, name="override_remove"),
    path("years/enter/", views.year_enter, name="year_enter"),
    path("years/mark/", views.year_mark, name="year_mark"),
]
