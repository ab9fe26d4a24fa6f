from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("yingshang.core.urls")),
    path("accounts/", include("yingshang.org.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
