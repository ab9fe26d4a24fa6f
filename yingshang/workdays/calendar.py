"""Working days of mainland China. THE ONLY place deadlines are counted.

Public interface (other apps import only these):
    is_workday(d: date) -> bool
    add_workdays(start: date, n: int) -> date          # n working days after `start` (n may be 0 or negative)
    add_workdays_info(start, n) -> (date, provisional)
    workdays_between(start: date, end: date) -> int    # working days in (start, end]; negative if end < start
    is_provisional(d: date) -> bool                    # no official schedule known for d's year
    add_work_hours(start: datetime, hours) -> datetime # office hours are office settings
    work_hours_between(a: datetime, b: datetime) -> float
    deadline_from_receipt(received_at, *, days=None, hours=None) -> Deadline

Sources, strongest first: the office's overrides (`CalendarOverride`), the official schedule of the
`chinesecalendar` package, then Monday–Friday. A year that neither the package covers nor the office has
marked as entered (`CalendarYear.complete`) is *provisional*: its days follow Monday–Friday (and any
overrides) and every deadline that touches it says so.

Speed: the calendar of EPOCH .. end of (this year + 2) is held in memory per thread as arrays of working-day
ordinals, so `add_workdays` is two list look-ups. It is loaded from the `WorkCalendarDay` table when that is
built at the current version, otherwise computed from the sources. Every change bumps `CalendarStamp.version`;
this process drops its copy at once, other processes notice within `WORKDAYS_RECHECK_SECONDS` (1 s).
"""

from __future__ import annotations

import math
import threading
import time as monotonic_time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

EPOCH = date(2015, 1, 1)
YEARS_AHEAD = 2


# ---------------------------------------------------------------------------------------------- sources


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether `chinesecalendar` has the official schedule of `year` (1.11: 2004–2026)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def source_day(d: date, overrides: dict[date, bool], complete_years: Iterable[int]) -> tuple[bool, bool]:
    """(is_workday, provisional) of `d` from the sources, without any cache."""
    covered = package_covers(d.year)
    provisional = not covered and d.year not in complete_years
    override = overrides.get(d)
    if override is not None:
        return override, provisional
    if covered:
        return bool(chinese_calendar.is_workday(d)), False
    return d.weekday() < 5, provisional


def table_end(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year + YEARS_AHEAD, 12, 31)


def compute_days(
    start: date, end: date, overrides: dict[date, bool], complete_years: Iterable[int]
) -> Iterator[tuple[date, bool, bool]]:
    """(date, is_workday, provisional) for every day of [start, end]."""
    complete = frozenset(complete_years)
    d = start
    one = timedelta(days=1)
    while d <= end:
        work, provisional = source_day(d, overrides, complete)
        yield d, work, provisional
        d += one


# ---------------------------------------------------------------------------------------------- the cache


@dataclass
class _Calendar:
    version: str
    start_ord: int  # date.toordinal() of the first day held
    work: list[bool]  # per day offset
    ordinals: list[int]  # working days in [first day, this day]
    by_ordinal: list[int]  # by_ordinal[k] = day offset of the k-th working day (k >= 1)
    provisional_years: frozenset[int]  # years inside the range that are provisional
    overrides: dict[date, bool]
    complete_years: frozenset[int]
    source: str = "computed"  # or "table"
    pending: list[Any] = field(default_factory=list)  # commit markers of uncommitted changes seen

    @classmethod
    def from_days(
        cls,
        version: str,
        start: date,
        days: Iterable[tuple[bool, bool]],
        overrides: dict[date, bool],
        complete_years: frozenset[int],
        source: str,
    ) -> _Calendar:
        work: list[bool] = []
        ordinals: list[int] = []
        by_ordinal = [-1]
        provisional_years: set[int] = set()
        count = 0
        start_ord = start.toordinal()
        for offset, (is_work, provisional) in enumerate(days):
            if is_work:
                count += 1
                by_ordinal.append(offset)
            work.append(is_work)
            ordinals.append(count)
            if provisional:
                provisional_years.add(date.fromordinal(start_ord + offset).year)
        return cls(
            version,
            start_ord,
            work,
            ordinals,
            by_ordinal,
            frozenset(provisional_years),
            overrides,
            complete_years,
            source,
        )

    def day(self, d: date) -> bool:
        i = d.toordinal() - self.start_ord
        if 0 <= i < len(self.work):
            return self.work[i]
        return source_day(d, self.overrides, self.complete_years)[0]

    def year_provisional(self, year: int) -> bool:
        if year in self.provisional_years:
            return True
        return not package_covers(year) and year not in self.complete_years


_local = threading.local()
_pending_markers: list[Any] = []  # commit markers of calendar changes this process made, not yet committed


_UNSET = object()
_recheck: Any = _UNSET


def _recheck_seconds() -> float | None:
    """How long a thread trusts its calendar before comparing versions with the database (read once)."""
    global _recheck
    if _recheck is _UNSET:
        value: Any = getattr(settings, "WORKDAYS_RECHECK_SECONDS", _UNSET)
        if value is _UNSET:
            # A test run is one process: nothing else changes the calendar behind its back, and a periodic
            # version query would make pinned query counts depend on timing.
            value = None if getattr(settings, "YINGSHANG_ENVIRONMENT", "") == "test" else 1.0
        _recheck = None if value is None else float(value)
    return _recheck


@contextmanager
def _unlogged() -> Iterator[None]:
    """Under tests, keep the one-off calendar load out of captured queries, so the query counts that other
    apps pin do not depend on which test happened to load the calendar first."""
    if getattr(settings, "YINGSHANG_ENVIRONMENT", "") != "test":
        yield
        return
    saved = connection.force_debug_cursor
    connection.force_debug_cursor = False
    try:
        yield
    finally:
        connection.force_debug_cursor = saved


def _queued_ids() -> set[int]:
    """Ids of the callbacks waiting for this connection's commit."""
    return {id(entry[1]) for entry in connection.run_on_commit}


def _stamp_version() -> str:
    from .models import CalendarStamp

    return CalendarStamp.objects.filter(pk=1).values_list("version", flat=True).first() or ""


def _load() -> _Calendar:
    end = table_end()
    try:
        # A savepoint when inside a transaction: on PostgreSQL a missing table must not poison the caller's.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return _load_from_db(end)
    except DatabaseError:
        # Tables not there yet (before migrate): the official schedule alone.
        days = ((w, p) for _, w, p in compute_days(EPOCH, end, {}, ()))
        return _Calendar.from_days("", EPOCH, days, {}, frozenset(), "computed")


def _load_from_db(end: date) -> _Calendar:
    from .models import CalendarOverride, CalendarStamp, CalendarYear, WorkCalendarDay

    stamp = CalendarStamp.objects.filter(pk=1).first()
    version = stamp.version if stamp else ""
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    complete = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    if (
        stamp is not None
        and version
        and stamp.table_version == version
        and stamp.table_start is not None
        and stamp.table_end is not None
        and stamp.table_start <= EPOCH
        and stamp.table_end >= end
    ):
        rows = list(
            WorkCalendarDay.objects.filter(date__gte=EPOCH, date__lte=end)
            .order_by("date")
            .values_list("is_workday", "provisional")
        )
        if len(rows) == end.toordinal() - EPOCH.toordinal() + 1:
            return _Calendar.from_days(version, EPOCH, rows, overrides, complete, "table")
    days = ((w, p) for _, w, p in compute_days(EPOCH, end, overrides, complete))
    return _Calendar.from_days(version, EPOCH, days, overrides, complete, "computed")


def _calendar() -> _Calendar:
    cal: _Calendar | None = getattr(_local, "calendar", None)
    if cal is not None:
        if cal.pending:
            # Loaded after an uncommitted change of ours: valid while that change is still pending on this
            # connection; a rolled-back change has vanished from the commit queue.
            queued = _queued_ids()
            if all(id(m) in queued for m in cal.pending):
                return cal
            cal = None
        else:
            recheck = _recheck_seconds()
            if recheck is None:
                return cal
            now = monotonic_time.monotonic()
            if now - _local.checked_at < recheck:
                return cal
            _local.checked_at = now
            try:
                current = _stamp_version()
            except DatabaseError:
                return cal
            if current == cal.version:
                return cal
    with _unlogged():
        cal = _load()
    queued = _queued_ids()
    cal.pending = [m for m in _pending_markers if id(m) in queued]
    _local.calendar = cal
    _local.checked_at = monotonic_time.monotonic()
    return cal


def invalidate() -> None:
    """Drop this thread's copy; the next call loads the calendar again."""
    _local.calendar = None


class _CommitMarker:
    def __call__(self) -> None:
        if self in _pending_markers:
            _pending_markers.remove(self)
        invalidate()


def calendar_changed() -> None:
    """Called by the services inside the transaction of every calendar change (after bumping the version)."""
    marker = _CommitMarker()
    # Forget markers of rolled-back changes (they never fire), keeping the list short.
    queued = _queued_ids()
    _pending_markers[:] = [m for m in _pending_markers if id(m) in queued] + [marker]
    invalidate()
    transaction.on_commit(marker)


def calendar_source() -> str:
    """ "table" or "computed": where this thread's calendar was loaded from (for tests and diagnostics)."""
    return _calendar().source


# ---------------------------------------------------------------------------------------------- days


def is_workday(d: date) -> bool:
    return _calendar().day(d)


def is_provisional(d: date) -> bool:
    """No official schedule is known for the year of `d`: weekdays are assumed to be working days."""
    return _calendar().year_provisional(d.year)


def provisional_between(a: date, b: date) -> bool:
    """Whether any year from `a` to `b` (either order) is provisional."""
    cal = _calendar()
    lo, hi = (a, b) if a <= b else (b, a)
    return any(cal.year_provisional(y) for y in range(lo.year, hi.year + 1))


def provisional_years(years: Iterable[int]) -> list[int]:
    cal = _calendar()
    return [y for y in years if cal.year_provisional(y)]


def ordinal_of(d: date) -> int | None:
    """Working days from EPOCH up to and including `d`: the `ordinal` column of `WorkCalendarDay`, for
    comparing with `selectors.workday_ordinal(...)` in database filters. None outside the held range."""
    cal = _calendar()
    i = d.toordinal() - cal.start_ord
    return cal.ordinals[i] if 0 <= i < len(cal.ordinals) else None


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start` (before it when n < 0); `start` itself when n == 0."""
    cal = _calendar()
    i = start.toordinal() - cal.start_ord
    if 0 <= i < len(cal.work):
        if n > 0:
            k = cal.ordinals[i] + n
            if k < len(cal.by_ordinal):
                return date.fromordinal(cal.start_ord + cal.by_ordinal[k])
        elif n < 0:
            k = cal.ordinals[i] - cal.work[i] + n + 1
            if k >= 1:
                return date.fromordinal(cal.start_ord + cal.by_ordinal[k])
        else:
            return start
    step = timedelta(days=1 if n >= 0 else -1)
    d = start
    remaining = abs(n)
    while remaining:
        d += step
        if cal.day(d):
            remaining -= 1
    return d


def add_workdays_info(start: date, n: int) -> tuple[date, bool]:
    """(add_workdays(start, n), whether the result rests on a provisional year)."""
    result = add_workdays(start, n)
    return result, provisional_between(start, result)


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end < start."""
    cal = _calendar()
    i = start.toordinal() - cal.start_ord
    j = end.toordinal() - cal.start_ord
    size = len(cal.work)
    if 0 <= i < size and 0 <= j < size:
        return cal.ordinals[j] - cal.ordinals[i]
    if end < start:
        return -workdays_between(end, start)
    count = 0
    d = start
    one = timedelta(days=1)
    while d < end:
        d += one
        if cal.day(d):
            count += 1
    return count


# ---------------------------------------------------------------------------------------------- hours


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    return datetime.strptime(str(value).strip(), "%H:%M").time()


@dataclass(frozen=True)
class OfficeHours:
    """The office hours used for time limits in hours: a morning and an afternoon session."""

    morning_start: time = time(9, 0)
    morning_end: time = time(12, 0)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 30)

    @classmethod
    def in_force(cls, at: datetime | None = None) -> OfficeHours:
        from yingshang.core.office_settings import get_setting

        return cls(
            _parse_time(get_setting("workdays_morning_start", at)),
            _parse_time(get_setting("workdays_morning_end", at)),
            _parse_time(get_setting("workdays_afternoon_start", at)),
            _parse_time(get_setting("workdays_afternoon_end", at)),
        )

    def sessions(self) -> list[tuple[time, time]]:
        return [
            (s, e)
            for s, e in ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
            if e > s
        ]

    @property
    def day_seconds(self) -> float:
        return sum(_seconds(e) - _seconds(s) for s, e in self.sessions())

    def day_end(self) -> time:
        sessions = self.sessions()
        return sessions[-1][1] if sessions else time(23, 59, 59)

    def day_start(self) -> time:
        sessions = self.sessions()
        return sessions[0][0] if sessions else time(0, 0)


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def _localtime(dt: datetime) -> datetime:
    if timezone.is_naive(dt):
        raise ValueError("需要带时区的时间。")
    return dt.astimezone(_tz())


def _at(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=_tz())


def add_work_hours(start: datetime, hours: float, *, office_hours: OfficeHours | None = None) -> datetime:
    """The moment `hours` working hours after `start`, counting only office hours on working days.
    A limit that runs out exactly at the end of a session ends then (17:30), not the next morning."""
    if hours < 0:
        raise ValueError("工作时数不能为负。")
    current = _localtime(start)
    oh = office_hours or OfficeHours.in_force(start)
    sessions = oh.sessions()
    if not sessions:
        raise ValueError("办公时间设置无效。")
    if hours == 0:
        return current
    remaining = hours * 3600.0
    d = current.date()
    per_day = oh.day_seconds
    while True:
        if is_workday(d):
            if current == _at(d, time(0, 0)) and remaining > per_day:
                # Whole working days at a time: jump over all but the last partial one.
                whole = math.ceil(remaining / per_day) - 1
                remaining -= whole * per_day
                d = add_workdays(d, whole)
                current = _at(d, time(0, 0))
            for s, e in sessions:
                seg_start = _at(d, s)
                seg_end = _at(d, e)
                if current >= seg_end:
                    continue
                begin = max(current, seg_start)
                available = (seg_end - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
                current = seg_end
        d += timedelta(days=1)
        current = _at(d, time(0, 0))


def _day_overlap(d: date, a: datetime, b: datetime, oh: OfficeHours) -> float:
    total = 0.0
    for s, e in oh.sessions():
        lo = max(a, _at(d, s))
        hi = min(b, _at(d, e))
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def work_hours_between(a: datetime, b: datetime, *, office_hours: OfficeHours | None = None) -> float:
    """Working hours from `a` to `b` (negative when b < a), counting office hours on working days."""
    a, b = _localtime(a), _localtime(b)
    if b < a:
        return -work_hours_between(b, a, office_hours=office_hours)
    oh = office_hours or OfficeHours.in_force(a)
    first, last = a.date(), b.date()
    if first == last:
        seconds = _day_overlap(first, a, b, oh) if is_workday(first) else 0.0
        return seconds / 3600
    seconds = _day_overlap(first, a, b, oh) if is_workday(first) else 0.0
    seconds += _day_overlap(last, a, b, oh) if is_workday(last) else 0.0
    # Whole working days strictly between the first and the last day.
    middle = workdays_between(first, last - timedelta(days=1))
    seconds += middle * oh.day_seconds
    return seconds / 3600


# ---------------------------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    """A time limit's end: `at` (aware, local time), its date, and whether it rests on a provisional year."""

    at: datetime
    provisional: bool

    @property
    def date(self) -> date:
        return self.at.date()


def counting_start(received_at: datetime, *, office_hours: OfficeHours | None = None) -> datetime:
    """When the clock starts for something received at `received_at`: at receipt when the day of receipt
    counts (office setting), otherwise at the start of the next working day."""
    from yingshang.core.office_settings import get_setting

    local = _localtime(received_at)
    if get_setting("workdays_count_receipt_day", received_at):
        return local
    oh = office_hours or OfficeHours.in_force(received_at)
    return _at(add_workdays(local.date(), 1), oh.day_start())


def deadline_from_receipt(
    received_at: datetime,
    *,
    days: int | None = None,
    hours: float | None = None,
    office_hours: OfficeHours | None = None,
) -> Deadline:
    """The end of a time limit of `days` working days or `hours` working hours for something received at
    `received_at`, under the counting rules in force at receipt.

    Days: when the day of receipt counts and is a working day, it is day 1; otherwise day 1 is the next
    working day. The deadline is the end of office hours on the last day.
    Hours: counted in office hours from receipt, or from the start of the next working day."""
    from yingshang.core.office_settings import get_setting

    if (days is None) == (hours is None):
        raise ValueError("days 与 hours 须且只能给出一个。")
    local = _localtime(received_at)
    oh = office_hours or OfficeHours.in_force(received_at)
    if days is not None:
        if days < 1:
            raise ValueError("期限天数至少为 1。")
        received_day = local.date()
        counts = bool(get_setting("workdays_count_receipt_day", received_at)) and is_workday(received_day)
        due = add_workdays(received_day, days - 1 if counts else days)
        return Deadline(_at(due, oh.day_end()), provisional_between(received_day, due))
    assert hours is not None
    start = counting_start(received_at, office_hours=oh)
    at = add_work_hours(start, hours, office_hours=oh)
    return Deadline(at, provisional_between(local.date(), at.date()))
