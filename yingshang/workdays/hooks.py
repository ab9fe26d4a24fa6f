"""Deadlines other apps stored must follow calendar changes ("recomputed when the schedule is entered").
An app registers a django-tasks task here (in its AppConfig.ready); after every committed calendar change
the workdays services enqueue it with the changed range as ISO dates: `task(first: str, last: str)`.
The task recomputes that app's open deadlines whose counting span reaches into [first, last] (at least
those marked provisional) through its own services. It must be safe to run twice."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction
from django.utils.module_loading import import_string

RECOMPUTE_TASKS: list[str] = []


def register_recompute(task_path: str) -> None:
    """`task_path`: dotted path of a django-tasks task taking (first: str, last: str)."""
    if task_path not in RECOMPUTE_TASKS:
        RECOMPUTE_TASKS.append(task_path)


def enqueue_recompute(first: date, last: date) -> None:
    """Called by the services inside the change's transaction: the tasks are enqueued once it commits."""
    for path in RECOMPUTE_TASKS:
        task = import_string(path)
        transaction.on_commit(partial(task.enqueue, first.isoformat(), last.isoformat()))
