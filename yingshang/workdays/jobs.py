"""Background job: keep the day table reaching the end of this year + 2 (safe to run any number of times)."""

from django_tasks import task

from .services import calendar_table_extend


@task()
def extend_calendar_table() -> int:
    return calendar_table_extend()
