from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yingshang.appeals"
    label = "appeals"
    verbose_name = "企业诉求"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  registers who may download appeal attachments
