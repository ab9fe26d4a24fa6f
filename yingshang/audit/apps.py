from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yingshang.audit"
    label = "audit"
    verbose_name = "审计"
