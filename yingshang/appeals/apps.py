from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yingshang.appeals"
    label = "appeals"
    verbose_name = "企业诉求"

    def ready(self) -> None:
        from yingshang.workdays.hooks import register_recompute

        from . import permissions  # noqa: F401  registers who may download appeal attachments

        # Stored clocks follow calendar changes (a year's schedule entered, an override).
        register_recompute("yingshang.appeals.jobs.recompute_deadlines")
