"""The periodic jobs, declared in this one module: (name, dotted path of a django-tasks task, period in
seconds). The `scheduler` command enqueues each once per slot; every job is safe to run twice anyway."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import ScheduledRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every_seconds: int


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob("audit.seal", "yingshang.audit.jobs.seal_pending", 10),
    PeriodicJob("audit.flush_denied_access", "yingshang.audit.jobs.flush_denied_access", 60),
    PeriodicJob("appeals.webhook_retry", "yingshang.appeals.jobs.retry_due_webhooks", 60),
    PeriodicJob("notify.delivery_sweep", "yingshang.notify.jobs.delivery_sweep", 60),
    PeriodicJob("ledger.warnings_scan", "yingshang.ledger.jobs.warnings_scan", 3600),
    PeriodicJob("routing.sync_similarity_index", "yingshang.routing.jobs.sync_similarity_index", 60),
    PeriodicJob("routing.refresh_hotspots", "yingshang.routing.jobs.refresh_hotspots", 600),
    PeriodicJob("routing.scheduled_retrain", "yingshang.routing.jobs.scheduled_retrain", 604800),
    PeriodicJob("supervision.reminder_scan", "yingshang.supervision.jobs.reminder_scan", 3600),
    PeriodicJob("dashboard.refresh_figures", "yingshang.dashboard.jobs.refresh_figures", 900),
    PeriodicJob("ledger.purge_stale_imports", "yingshang.ledger.jobs.purge_stale_imports", 86400),
    PeriodicJob(
        "core.purge_expired_staged_imports", "yingshang.core.jobs.purge_expired_staged_imports", 3600
    ),
    PeriodicJob("workdays.extend_calendar_table", "yingshang.workdays.jobs.extend_calendar_table", 86400),
]


def fire_due(now: float) -> list[str]:
    """Enqueue every periodic job whose current slot nobody has claimed yet; return their names. The claim
    is a unique row per (job, slot), so schedulers on several machines enqueue each slot once."""
    fired = []
    for job in PERIODIC_JOBS:
        slot = int(now // job.every_seconds)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
        except IntegrityError:
            continue
        import_string(job.task).enqueue()
        fired.append(job.name)
    return fired
