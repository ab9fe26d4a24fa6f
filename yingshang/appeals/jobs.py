"""Background jobs of the appeals loop: load by id, call a service, safe to run twice."""

import contextlib
from datetime import date, datetime

from django_tasks import task
from django_tasks.exceptions import InvalidTaskError


@task()
def deliver_webhook(delivery_id: int) -> str:
    from .services import webhook_deliver

    return webhook_deliver(delivery_id=delivery_id)


@task()
def retry_due_webhooks() -> int:
    from .services import webhook_retry_due

    return webhook_retry_due()


def schedule_retry(delivery_id: int, at: datetime) -> None:
    """Enqueue the next attempt for `at` where the backend can defer; otherwise the periodic sweep
    (`retry_due_webhooks`) picks the row up when it is due."""
    with contextlib.suppress(InvalidTaskError):
        deliver_webhook.using(run_after=at).enqueue(delivery_id)


@task()
def recompute_deadlines(first: str, last: str) -> int:
    """Registered with `workdays.hooks`: after a calendar change on [first, last] (ISO dates)."""
    from .services import appeal_deadlines_recompute

    return appeal_deadlines_recompute(first=date.fromisoformat(first), last=date.fromisoformat(last))
