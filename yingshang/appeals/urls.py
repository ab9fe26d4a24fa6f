from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("export/", views.appeal_export, name="export"),
    path("submit/", views.submit, name="submit"),
    path("submitted/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.track_rate, name="track_rate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dispatch/", views.dispatch_action, name="dispatch"),
    path("<int:pk>/sign/", views.sign_action, name="sign"),
    path("<int:pk>/return/", views.return_action, name="return"),
    path("<int:pk>/reply/", views.reply_action, name="reply"),
    path("<int:pk>/follow-up/", views.follow_up_action, name="follow_up"),
    path("<int:pk>/close/", views.close_action, name="close"),
    path("<int:pk>/extension/", views.extension_action, name="extension"),
    path("extensions/<int:pk>/decide/", views.extension_decide_action, name="extension_decide"),
    path("followups/<int:pk>/unreasonable/", views.unreasonable_action, name="unreasonable"),
    path("dispatches/<int:pk>/co-sign/", views.co_sign_action, name="co_sign"),
    path("rates/", views.rates_page, name="rates"),
    path("rates/export/", views.rates_export, name="rates_export"),
    path("rates/drill/", views.rates_drill, name="rates_drill"),
    path("import/", views.import_page, name="import"),
]
