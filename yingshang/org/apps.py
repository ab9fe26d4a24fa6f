from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yingshang.org"
    label = "org"
    verbose_name = "组织与账号"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (sign-in signal receivers: they only call the audit service)
