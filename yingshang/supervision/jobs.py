"""Background jobs of supervision: safe to run twice (the reminder claims make them idempotent)."""

from django.utils import timezone
from django_tasks import task

from yingshang.core.office_settings import get_setting
from yingshang.notify.retry import retrying

from . import services


@task()
@retrying(max_attempts=4, base_seconds=120)
def reminder_scan() -> dict:
    """The daily reminder scan; fired hourly by the scheduler, it sends nothing before the office's hour."""
    if timezone.localtime().hour < int(get_setting("supervision_reminder_hour")):
        return {"skipped": 1}
    return services.reminder_scan()
