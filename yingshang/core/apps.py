from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


def create_cache_table(using: str = "default", **kwargs) -> None:
    # The shared cache's table is not a model, so migrate alone would not create it; createcachetable is
    # idempotent and does nothing when the cache is Redis. Runs after every migrate: make run, serve,
    # tests, a fresh clone.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "yingshang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Each app declares its office settings and menu entries in modules of those names.
        autodiscover_modules("office_settings")
        autodiscover_modules("menu")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core.create_cache_table")
