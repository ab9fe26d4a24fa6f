"""`manage.py bench --only workdays`: how fast deadlines are counted, warm (the usual case: reminder scans
call add_workdays in loops) and cold (first call after a calendar change loads the calendar)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import Line, line, percentile, rolled_back
from yingshang.workdays import calendar

SCALES = {"small": 200_000, "design": 2_000_000}


def _inputs(n: int) -> list[tuple[date, int]]:
    rng = random.Random(2026)
    base = date(2024, 1, 1)
    return [(base + timedelta(days=rng.randrange(0, 1460)), rng.randrange(-20, 60)) for _ in range(n)]


def bench_add_workdays(scale: str) -> Iterator[Line]:
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
    yield line("workdays.add_workdays", "per_s", round(calls / elapsed), meta)
    yield line("workdays.calendar_load", "ms", round(cold_ms, 2), meta)
    started = time.perf_counter()
    for d, n in inputs[: calls // 4]:
        calendar.workdays_between(d, d + timedelta(days=n))
    elapsed = time.perf_counter() - started
    yield line("workdays.workdays_between", "per_s", round(calls // 4 / elapsed), meta)


def bench_add_work_hours(scale: str) -> Iterator[Line]:
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
    yield line("workdays.add_work_hours", "per_s", round(calls / elapsed), {"scale": scale, "calls": calls})


def bench_calendar_change(scale: str) -> Iterator[Line]:
    """One override (table rows of the day plus the ordinal shift of every later day) and one whole year
    entered in bulk, timed inside a transaction that is rolled back: the database is left as it was."""
    from yingshang.org.models import User
    from yingshang.org.roles import OFFICE
    from yingshang.workdays import services

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
    with rolled_back():
        for k in range(repeats):
            started = time.perf_counter()
            services.calendar_override_set(actor=actor, day=date(year, 3, 1 + k), is_workday=k % 2 == 0)
            single.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            services.calendar_year_enter(actor=actor, year=year, text=text, complete=k % 2 == 0)
            bulk.append((time.perf_counter() - started) * 1000)
    calendar.invalidate()
    meta = {"scale": scale, "repeats": repeats}
    yield line("workdays.override_set", "p50_ms", round(percentile(single, 0.5), 2), meta)
    yield line("workdays.year_enter", "p50_ms", round(percentile(bulk, 0.5), 2), meta)


BENCHMARKS = [bench_add_workdays, bench_add_work_hours, bench_calendar_change]
