from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "yingshang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Each app declares its office settings and menu entries in modules of those names.
        autodiscover_modules("office_settings")
        autodiscover_modules("menu")
