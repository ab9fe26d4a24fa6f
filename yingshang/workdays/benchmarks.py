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


BENCHMARKS = [bench_add_workdays, bench_add_work_hours]
