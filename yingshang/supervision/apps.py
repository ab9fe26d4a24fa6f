from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SupervisionConfig(AppConfig):
    name = "yingshang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from yingshang.core.uploads import register_attachment_access

        from . import permissions

        # Item types of every app (this one included) register in their `supervision_targets` modules.
        autodiscover_modules("supervision_targets")
        register_attachment_access("supervision.inspection", permissions.can_view_inspection)
        register_attachment_access("supervision.finding", permissions.finding_files_visible)
        register_attachment_access("supervision.supervisionorder", permissions.can_view_item)
