from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "yingshang.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱"
