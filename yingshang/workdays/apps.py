from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "yingshang.workdays"
    label = "workdays"
    verbose_name = "工作日"
