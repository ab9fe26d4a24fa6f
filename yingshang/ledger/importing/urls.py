"""Included by yingshang/ledger/urls.py as path("import/", include("yingshang.ledger.importing.urls")), so the
names live in the "ledger" namespace: ledger:import_upload, ledger:import_preview, …"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.upload, name="import_upload"),
    path("units/<int:pk>/include/", views.include_unit, name="import_include_unit"),
    path("<str:token>/", views.preview, name="import_preview"),
    path("<str:token>/map/", views.map_unit, name="import_map"),
    path("<str:token>/categories/", views.assign_categories, name="import_categories"),
    path("<str:token>/history/", views.choose_history, name="import_history"),
    path("<str:token>/commit/", views.commit, name="import_commit"),
    path("<str:token>/cancel/", views.cancel, name="import_cancel"),
]
