"""Rate limits kept in the shared cache (the database on the embedded default, Redis when configured), so
every gunicorn worker counts against one budget.

A counter lives in a fixed window: its key carries the window's number, so a counter that outlives its
expiry is never read again. `cache.add` starts it and `cache.incr` counts on; both are atomic in the shared
store (see core.cache.AtomicDatabaseCache)."""

from __future__ import annotations

import contextlib
import hashlib
import time

from django.core.cache import cache

HOUR = 3600


def _key(scope: str, subject: str, window: int) -> str:
    # Hashed so any subject (an IPv6 address, a user-typed code) gives a short key of safe characters.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, subject: str, *, window: int = HOUR) -> int:
    """Count one event for `subject` and return how many it has had in the current window, this one included."""
    key = _key(scope, subject, window)
    for _ in range(3):
        if cache.add(key, 1, window + 60):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # it expired between the add and the incr: start it again
            continue
    raise RuntimeError(f"rate-limit counter {scope} could not be updated")


def count(scope: str, subject: str, *, window: int = HOUR) -> int:
    """Events counted for `subject` in the current window, without counting one."""
    return int(cache.get(_key(scope, subject, window), 0))


def refund(scope: str, subject: str, *, window: int = HOUR) -> None:
    """Give back one event counted by `hit` that turned out not to use the budget."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing left to give back
        cache.decr(_key(scope, subject, window))
