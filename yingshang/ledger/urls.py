from django.urls import include, path

from . import views

app_name = "ledger"
urlpatterns = [
    path("import/", include("yingshang.ledger.importing.urls")),
    path("", views.task_list, name="list"),
    path("export/", views.task_export, name="export"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("filters/save/", views.saved_filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="filter_delete"),
    path("mine/", views.my_tasks, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/report/", views.report_submit, name="report"),
    path("reports/<int:pk>/head-decision/", views.report_head_decide, name="report_head_decide"),
    path("tasks/<int:pk>/contribute/", views.contribution_submit, name="contribute"),
    path("tasks/<int:pk>/close-out/", views.close_out_submit, name="close_out"),
    path("tasks/<int:pk>/head-decision/", views.head_decide, name="head_decide"),
    path("tasks/<int:pk>/review/", views.close_out_review, name="close_out_review"),
    path("tasks/<int:pk>/action/", views.task_action, name="action"),
    path("tasks/<int:pk>/adjust/", views.task_adjust, name="adjust"),
    path("tasks/<int:pk>/extension/", views.extension_submit, name="extension"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("milestones/<int:pk>/done/", views.milestone_complete, name="milestone_done"),
    path("documents/<int:pk>/report/", views.implementation_report, name="implementation_report"),
    path("categories/", views.category_list, name="categories"),
]
