from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/notice.docx", views.order_notice_docx, name="order_notice"),
    path("orders/<int:pk>/<slug:action>/", views.order_act, name="order_act"),
    path("item/", views.item, name="item"),
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("reminders/<int:pk>/", views.reminder_go, name="reminder_go"),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/new/", views.instruction_create, name="instruction_create"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/<slug:action>/", views.instruction_act, name="instruction_act"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/<slug:action>/", views.finding_act, name="finding_act"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", views.case_act, name="case_act"),
]
