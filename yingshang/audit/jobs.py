"""Background jobs of the audit app; each loads what it needs by id and calls a service, safe to retry."""

from django_tasks import task

from . import services


@task()
def seal_pending() -> dict:
    """Fired by the scheduler every few seconds: chain the records that are old enough."""
    outcome = services.seal_pending()
    return {"sealed": outcome.sealed, "busy": outcome.busy}


@task()
def run_verification(verification_id: int) -> str:
    return services.verification_run(verification_id=verification_id).status


@task()
def flush_denied_access() -> int:
    """Fired by the scheduler every minute: one audit record per closed minute of refusals."""
    return services.denied_access_flush()
