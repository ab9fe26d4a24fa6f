from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("yingshang.core.urls")),
    path("accounts/", include("yingshang.org.urls")),
    path("audit/", include("yingshang.audit.urls")),
    path("workdays/", include("yingshang.workdays.urls")),
    path("ledger/", include("yingshang.ledger.urls")),
    path("appeals/", include("yingshang.appeals.urls")),
    path("supervision/", include("yingshang.supervision.urls")),
    path("assessment/", include("yingshang.assessment.urls")),
    path("dashboard/", include("yingshang.dashboard.urls")),
    path("notify/", include("yingshang.notify.urls")),
    path("routing/", include("yingshang.routing.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

handler403 = "yingshang.core.views.error_403"
handler404 = "yingshang.core.views.error_404"
handler500 = "yingshang.core.views.error_500"
