from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_manage, views_reset

app_name = "org"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("departments/", views_manage.department_list, name="department_list"),
    path("departments/new/", views_manage.department_edit, name="department_create"),
    path("departments/<int:pk>/", views_manage.department_edit, name="department_edit"),
    path("users/", views_manage.account_list, name="account_list"),
    path("users/new/", views_manage.account_edit, name="account_create"),
    path("users/<int:pk>/", views_manage.account_edit, name="account_edit"),
    path("users/<int:pk>/active/", views_manage.account_set_active, name="account_set_active"),
    path(
        "users/<int:pk>/reset-password/", views_manage.account_reset_password, name="account_reset_password"
    ),
    path("users/<int:pk>/reset-factor/", views_manage.account_reset_factor, name="account_reset_factor"),
    path("admin-changes/", views_manage.admin_change_list, name="admin_change_list"),
    path(
        "admin-changes/<int:pk>/<str:action>/", views_manage.admin_change_decide, name="admin_change_decide"
    ),
    path("reset/<str:token>/", views_reset.password_reset, name="password_reset"),
    path("users/<int:pk>/unlock/", views_manage.account_unlock, name="account_unlock"),
    path("users/<int:pk>/roles/", views_manage.account_roles, name="account_roles"),
    path("tokens/", views_manage.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views_manage.token_revoke, name="token_revoke"),
    path("import/<str:kind>/", views_manage.import_upload, name="import"),
    path("import/<str:kind>/commit/", views_manage.import_commit, name="import_commit"),
    path("import/<str:kind>/template/", views_manage.import_template, name="import_template"),
]
