"""`manage.py bench --only workdays`: how fast deadlines are counted, warm (the usual case: reminder scans
call add_workdays in loops) and cold (first call after a calendar change loads the calendar)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import calendar

SCALES = {"small": 200_000, "design": 2_000_000}


def _inputs(n: int) -> list[tuple[date, int]]:
    rng = random.Random(2026)
    base = date(2024, 1, 1)
    return [(base + timedelta(days=rng.randrange(0, 1460)), rng.randrange(-20, 60)) for _ in range(n)]


def bench_add_workdays(scale: str) -> Iterator[dict[str, Any]]:
    calls = SCALES[scale]
    inputs = _inputs(calls)
    calendar.invalidate()
    started = time.perf_counter()
    calendar.is_workday(date(2026, 1, 1))
    cold_ms = (time.perf_counter() - started) * 1000
    source = calendar.calendar_source()
    started = time.perf_counter()
    for d, n in inputs:
        calendar.add_workdays(d, n)
    elapsed = time.perf_counter() - started
    meta = {"scale": scale, "calls": calls, "source": source}
    yield {
        "bench": "workdays.add_workdays",
        "metric": "per_s",
        "value": round(calls / elapsed),
        "scale": meta,
    }
    yield {"bench": "workdays.calendar_load", "metric": "ms", "value": round(cold_ms, 2), "scale": meta}
    started = time.perf_counter()
    for d, n in inputs[: calls // 4]:
        calendar.workdays_between(d, d + timedelta(days=n))
    elapsed = time.perf_counter() - started
    yield {
        "bench": "workdays.workdays_between",
        "metric": "per_s",
        "value": round(calls // 4 / elapsed),
        "scale": meta,
    }


def bench_add_work_hours(scale: str) -> Iterator[dict[str, Any]]:
    calls = SCALES[scale] // 20
    rng = random.Random(7)
    tz = ZoneInfo("Asia/Shanghai")
    hours = calendar.OfficeHours.in_force()
    base = datetime(2025, 1, 1, tzinfo=tz)
    inputs = [
        (base + timedelta(minutes=rng.randrange(0, 60 * 24 * 700)), rng.choice([2, 4, 8, 24, 48]))
        for _ in range(calls)
    ]
    started = time.perf_counter()
    for start, h in inputs:
        calendar.add_work_hours(start, h, office_hours=hours)
    elapsed = time.perf_counter() - started
    yield {
        "bench": "workdays.add_work_hours",
        "metric": "per_s",
        "value": round(calls / elapsed),
        "scale": {"scale": scale, "calls": calls},
    }


class _Rollback(Exception):
    pass


def bench_calendar_change(scale: str) -> Iterator[dict[str, Any]]:
    """One override (table rows of the day plus the ordinal shift of every later day) and one whole year
    entered in bulk, timed inside a transaction that is rolled back: the database is left as it was."""
    from django.db import transaction

    from yingshang.org.models import User
    from yingshang.org.roles import OFFICE

    from . import services

    actor = next(
        (u for u in User.objects.filter(is_active=True).order_by("pk")[:200] if u.has_role(OFFICE)), None
    )
    if actor is None:
        return
    repeats = 5 if scale == "small" else 20
    year = calendar.table_end().year
    text = "\n".join(f"{year}-{m:02d}-15 休" for m in range(1, 13))
    single: list[float] = []
    bulk: list[float] = []
    try:
        with transaction.atomic():
            for k in range(repeats):
                started = time.perf_counter()
                services.calendar_override_set(actor=actor, day=date(year, 3, 1 + k), is_workday=k % 2 == 0)
                single.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                services.calendar_year_enter(actor=actor, year=year, text=text, complete=k % 2 == 0)
                bulk.append((time.perf_counter() - started) * 1000)
            raise _Rollback
    except _Rollback:
        pass
    calendar.invalidate()
    meta = {"scale": scale, "repeats": repeats}
    yield {
        "bench": "workdays.override_set",
        "metric": "p50_ms",
        "value": round(sorted(single)[len(single) // 2], 2),
        "scale": meta,
    }
    yield {
        "bench": "workdays.year_enter",
        "metric": "p50_ms",
        "value": round(sorted(bulk)[len(bulk) // 2], 2),
        "scale": meta,
    }


BENCHMARKS = [bench_add_workdays, bench_add_work_hours, bench_calendar_change]
