"""Background jobs of the core app: load, call a service, safe to retry."""

from __future__ import annotations

from django_tasks import task

from . import staging


@task()
def purge_expired_staged_imports() -> int:
    """Hourly: delete import previews nobody confirmed in time, and spent ones."""
    return staging.purge_expired()
