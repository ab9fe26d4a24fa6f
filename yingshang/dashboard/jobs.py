"""Background jobs of the dashboard: safe to run twice."""

from django_tasks import task


@task()
def refresh_figures() -> int:
    from .figures import refresh

    return refresh()
