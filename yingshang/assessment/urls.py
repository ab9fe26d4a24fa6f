from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("compute/", views.run_compute, name="compute"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export/", views.run_export, name="run_export"),
    path("runs/<int:pk>/action/", views.run_action_view, name="run_action"),
    path("runs/<int:pk>/departments/<int:department_id>/", views.department_score, name="department"),
    path("runs/<int:pk>/objections/new/", views.objection_submit, name="objection_submit"),
    path("runs/<int:pk>/bulletin/", views.bulletin_edit, name="bulletin"),
    path("runs/<int:pk>/bulletin.<str:fmt>", views.bulletin_download, name="bulletin_download"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("drill/", views.drill, name="drill"),
    path("lists/", views.red_black, name="lists"),
    path("sets/", views.indicator_set_edit, name="set_new"),
    path("sets/<int:pk>/", views.indicator_set_edit, name="set_edit"),
    path("bonus/", views.bonus_list, name="bonus_list"),
    path("bonus/<int:pk>/decide/", views.bonus_decide, name="bonus_decide"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/indicators/", views.monitoring_indicator_save, name="monitoring_save"),
    path("monitoring/<int:pk>/report/", views.monitoring_report, name="monitoring_report"),
    path("monitoring/<int:pk>/task/", views.monitoring_to_task, name="monitoring_task"),
]
