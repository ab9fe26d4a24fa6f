from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yingshang.supervision"
    label = "supervision"
    verbose_name = "督查督办"
