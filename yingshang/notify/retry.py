"""Re-queueing a failed background job with a growing delay. The tasks API has no retry of its own: a
job wrapped with `retrying` that raises is enqueued again with `run_after` = now + back-off, up to a
bounded number of attempts, and the failure is still raised so the task result records it.

    @task()
    @retrying(max_attempts=5, base_seconds=60)
    def reminder_scan() -> dict: ...

Backends that cannot defer (the immediate backend of the tests) are not re-queued: a periodic job
simply runs again in its next slot."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("yingshang.jobs")

ATTEMPT_KWARG = "_attempt"


def backoff_seconds(attempt: int, *, base: int = 60, cap: int = 6 * 3600) -> int:
    """Delay before attempt `attempt + 1` after `attempt` failures: base, 2·base, 4·base, … capped."""
    return int(min(cap, base * (2 ** max(0, attempt - 1))))


def requeue_later(task: Any, *, delay_seconds: int, args: tuple = (), kwargs: dict | None = None) -> bool:
    """Enqueue `task` again to run after `delay_seconds`; False when the backend cannot defer."""
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds)).enqueue(*args, **(kwargs or {}))
    return True


def retrying(*, max_attempts: int = 5, base_seconds: int = 60, cap_seconds: int = 6 * 3600) -> Callable:
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt < max_attempts:
                    task = import_string(f"{func.__module__}.{func.__name__}")
                    delay = backoff_seconds(attempt, base=base_seconds, cap=cap_seconds)
                    queued = requeue_later(
                        task, delay_seconds=delay, args=args, kwargs={**kwargs, ATTEMPT_KWARG: attempt + 1}
                    )
                    logger.warning(
                        "job %s failed (attempt %s/%s); %s",
                        func.__name__,
                        attempt,
                        max_attempts,
                        f"retry in {delay}s" if queued else "left to its next periodic slot",
                    )
                else:
                    logger.error("job %s failed for the last time (attempt %s)", func.__name__, attempt)
                raise

        return wrapper

    return decorate
