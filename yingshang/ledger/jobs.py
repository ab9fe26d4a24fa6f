"""Background jobs of the ledger: load by id, call a service, safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def warnings_scan() -> int:
    from .services import warnings_refresh_all

    return warnings_refresh_all()


@task()
def run_export(job_id: int) -> None:
    from .services import export_job_run

    export_job_run(job_id=job_id)


@task()
def purge_stale_imports() -> int:
    """Daily: remove cached parses of import previews nobody confirmed or cancelled."""
    from .importing.staging import purge_stale

    return purge_stale()
