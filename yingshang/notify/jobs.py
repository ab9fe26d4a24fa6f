"""Background jobs of notifications: each loads its row by id and is safe to run twice."""

from django_tasks import task

from . import services


@task()
def deliver(delivery_id: int) -> str:
    return services.delivery_attempt(delivery_id=delivery_id)


@task()
def delivery_sweep() -> int:
    """Periodic safety net: sends what is due even if its own job was lost or could not be deferred."""
    due = services.deliveries_due()
    for pk in due:
        deliver.enqueue(pk)
    return len(due)
