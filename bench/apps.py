from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks, data generators and the load scenario: an app only so its commands are found."""

    name = "bench"
    label = "bench"
    default_auto_field = "django.db.models.BigAutoField"
