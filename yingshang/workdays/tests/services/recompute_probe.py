"""A stand-in for another app's recompute task, used by the hook test."""

from django_tasks import task

CALLS: list[tuple[str, str]] = []


@task()
def record_recompute(first: str, last: str) -> None:
    CALLS.append((first, last))
