"""Every change to the working-day calendar. Each one, in its transaction: writes the override or year,
refreshes the affected range of the day table (ordinals after it shift by one UPDATE), bumps the calendar
version, writes the audit record, and tells the in-process calendar to reload."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor, account_of
from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields

from . import calendar, hooks
from .models import CalendarOverride, CalendarStamp, CalendarYear, WorkCalendarDay
from .permissions import can_manage_calendar

MIN_YEAR, MAX_YEAR = 2000, 2100


def _new_version() -> str:
    return uuid.uuid4().hex


def _locked_stamp() -> CalendarStamp:
    stamp, _ = CalendarStamp.objects.select_for_update().get_or_create(pk=1)
    return stamp


def _sources() -> tuple[dict[date, bool], frozenset[int]]:
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    complete = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return overrides, complete


def _table_current(stamp: CalendarStamp) -> bool:
    return bool(
        stamp.version
        and stamp.table_version == stamp.version
        and stamp.table_start is not None
        and stamp.table_end is not None
    )


def _refresh_table(stamp: CalendarStamp, first: date, last: date) -> None:
    """Recompute the rows of [first, last] and shift the ordinals of every later row by the difference."""
    assert stamp.table_start is not None and stamp.table_end is not None
    first, last = max(first, stamp.table_start), min(last, stamp.table_end)
    if first > last:
        return
    if first == stamp.table_start:
        base = 0
    else:
        base = WorkCalendarDay.objects.values_list("ordinal", flat=True).get(date=first - timedelta(days=1))
    old_last = WorkCalendarDay.objects.values_list("ordinal", flat=True).get(date=last)
    overrides, complete = _sources()
    ordinal = base
    rows = []
    for d, work, provisional in calendar.compute_days(first, last, overrides, complete):
        ordinal += work
        rows.append(WorkCalendarDay(date=d, is_workday=work, ordinal=ordinal, provisional=provisional))
    # Replacing the range is one DELETE and one INSERT: far cheaper than a CASE-per-row bulk update.
    WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).delete()
    WorkCalendarDay.objects.bulk_create(rows, batch_size=500)
    delta = ordinal - old_last
    if delta:
        WorkCalendarDay.objects.filter(date__gt=last).update(ordinal=F("ordinal") + delta)


def _calendar_changed(stamp: CalendarStamp, first: date, last: date) -> None:
    """Inside the change's transaction, after the sources were written."""
    table_was_current = _table_current(stamp)
    if table_was_current:
        _refresh_table(stamp, first, last)
    stamp.version = _new_version()
    if table_was_current:
        stamp.table_version = stamp.version
    stamp.save(update_fields=["version", "table_version", "updated_at"])
    calendar.calendar_changed()
    hooks.enqueue_recompute(first, last)


def _require_office(actor: Actor) -> None:
    if not can_manage_calendar(actor):
        raise PermissionRefused("只有营商办可以维护工作日历。", code="workdays.calendar_forbidden")


def _override_snapshot(o: CalendarOverride | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {"date": o.date.isoformat(), "is_workday": o.is_workday, "note": o.note}


def _set_override(*, actor: Actor, day: date, is_workday: bool, note: str) -> CalendarOverride | None:
    """Create or change one override without touching the table; None when nothing changed."""
    existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
    before = _override_snapshot(existing)
    if existing is not None and existing.is_workday == is_workday and existing.note == note:
        return None
    override = existing or CalendarOverride(date=day, created_by=account_of(actor))
    override.is_workday = is_workday
    override.note = note
    try:
        override.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(code="workdays.override_invalid", fields=validation_error_fields(exc)) from exc
    if existing is None:
        override.save()
    else:
        override.save(update_fields=["is_workday", "note"])
    audit_record(
        actor=actor,
        action="calendar_override.create" if existing is None else "calendar_override.change",
        obj=override,
        before=before,
        after=_override_snapshot(override),
        detail=note,
    )
    return override


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            "年度超出范围。", code="workdays.year_range", fields={"year": ["年度超出范围。"]}
        )


@transaction.atomic
def calendar_override_set(*, actor: Actor, day: date, is_workday: bool, note: str = "") -> CalendarOverride:
    """Declare `day` a working day (班) or a day off (休), winning over the official schedule."""
    _require_office(actor)
    _check_year(day.year)
    stamp = _locked_stamp()
    override = _set_override(actor=actor, day=day, is_workday=is_workday, note=note.strip())
    if override is None:
        return CalendarOverride.objects.get(date=day)
    _calendar_changed(stamp, day, day)
    return override


@transaction.atomic
def calendar_override_remove(*, actor: Actor, override_id: int) -> None:
    _require_office(actor)
    stamp = _locked_stamp()
    override = CalendarOverride.objects.select_for_update().filter(pk=override_id).first()
    if override is None:
        raise ValidationFailed("该调整已不存在，请刷新页面。", code="workdays.override_missing")
    before = _override_snapshot(override)
    day = override.date
    audit_record(actor=actor, action="calendar_override.delete", obj=override, before=before, after=None)
    override.delete()
    _calendar_changed(stamp, day, day)


@transaction.atomic
def calendar_year_mark(*, actor: Actor, year: int, complete: bool, note: str = "") -> CalendarYear:
    """Mark a year's schedule as entered in full (no longer provisional), or withdraw that mark."""
    _require_office(actor)
    _check_year(year)
    stamp = _locked_stamp()
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = {"complete": row.complete, "note": row.note} if row else None
    if row is None:
        row = CalendarYear(year=year)
    if before == {"complete": complete, "note": note.strip()}:
        return row
    row.complete = complete
    row.note = note.strip()
    row.updated_by = account_of(actor)
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="calendar_year.mark",
        obj=row,
        before=before,
        after={"complete": row.complete, "note": row.note},
        detail=note,
    )
    _calendar_changed(stamp, date(year, 1, 1), date(year, 12, 31))
    return row


# ------------------------------------------------------------------------------------ bulk entry of a year

_LINE = re.compile(
    r"^(?P<first>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)"
    r"(?:\s*(?:至|到|~|～|—|－|--|-)\s*(?P<last>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?))?"
    r"\s*[,，:：]?\s*(?P<kind>休息|放假|休|上班|班|工作日)"
    r"\s*[,，:：]?\s*(?P<note>.*)$"
)
_WORK_WORDS = {"班", "上班", "工作日"}


def _parse_date(text: str) -> date:
    parts = re.split(r"[-/.年月日]", text)
    y, m, d = (int(p) for p in parts[:3])
    return date(y, m, d)


@dataclass(frozen=True)
class ScheduleLine:
    day: date
    is_workday: bool
    note: str


def parse_schedule(year: int, text: str) -> list[ScheduleLine]:
    """Parse pasted lines such as "2027-01-01 休 元旦", "2027-02-07 班", "2027-02-10至2027-02-16 休 春节".
    Raises ValidationFailed listing every bad line; nothing is partly accepted."""
    errors: list[str] = []
    result: dict[date, ScheduleLine] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                f"第 {number} 行无法识别：“{line}”。格式示例：2027-01-01 休 元旦，或 2027-02-07 班。"
            )
            continue
        try:
            first = _parse_date(match["first"])
            last = _parse_date(match["last"]) if match["last"] else first
        except ValueError:
            errors.append(f"第 {number} 行的日期不存在：“{line}”。")
            continue
        if last < first or (last - first).days > 31:
            errors.append(f"第 {number} 行的日期区间无效：“{line}”。")
            continue
        if first.year != year or last.year != year:
            errors.append(f"第 {number} 行的日期不在 {year} 年：“{line}”。")
            continue
        is_work = match["kind"] in _WORK_WORDS
        note = match["note"].strip()[:100]
        d = first
        while d <= last:
            if d in result and result[d].is_workday != is_work:
                errors.append(f"第 {number} 行与前面的行矛盾：{d:%Y-%m-%d}。")
            result[d] = ScheduleLine(d, is_work, note)
            d += timedelta(days=1)
    if errors:
        raise ValidationFailed(
            "放假安排中有无法录入的行，均未保存。",
            code="workdays.holiday_text_invalid",
            fields={"text": errors},
        )
    if not result:
        raise ValidationFailed(
            "没有可录入的日期。",
            code="workdays.holiday_text_empty",
            fields={"text": ["请粘贴放假安排，每行一个日期或日期区间。"]},
        )
    return [result[d] for d in sorted(result)]


@transaction.atomic
def calendar_year_enter(
    *, actor: Actor, year: int, text: str, complete: bool = True, note: str = ""
) -> list[ScheduleLine]:
    """Enter a year's announced schedule in one go (all lines or none) and, by default, mark the year as
    entered so that it stops being provisional. Returns the parsed lines."""
    _require_office(actor)
    _check_year(year)
    lines = parse_schedule(year, text)
    stamp = _locked_stamp()
    for line in lines:
        _set_override(actor=actor, day=line.day, is_workday=line.is_workday, note=line.note)
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = {"complete": row.complete, "note": row.note} if row else None
    row = row or CalendarYear(year=year)
    row.complete = complete or row.complete
    row.note = note.strip() or row.note
    row.updated_by = account_of(actor)
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="calendar_year.enter",
        obj=row,
        before=before,
        after={"complete": row.complete, "note": row.note, "days": len(lines)},
        detail=note,
    )
    _calendar_changed(stamp, date(year, 1, 1), date(year, 12, 31))
    return lines


# ------------------------------------------------------------------------------------ the day table


@transaction.atomic
def calendar_table_build(*, end: date | None = None) -> int:
    """(Re)build the whole day table from EPOCH to `end` (default: end of this year + 2). Returns rows."""
    end = end or calendar.table_end()
    stamp = _locked_stamp()
    overrides, complete = _sources()
    rows = []
    ordinal = 0
    for d, work, provisional in calendar.compute_days(calendar.EPOCH, end, overrides, complete):
        ordinal += work
        rows.append(WorkCalendarDay(date=d, is_workday=work, ordinal=ordinal, provisional=provisional))
    WorkCalendarDay.objects.all().delete()
    WorkCalendarDay.objects.bulk_create(rows, batch_size=1000)
    stamp.version = stamp.version or _new_version()
    stamp.table_version = stamp.version
    stamp.table_start = calendar.EPOCH
    stamp.table_end = end
    stamp.save()
    calendar.calendar_changed()
    return len(rows)


def calendar_table_extend() -> int:
    """Periodic: rebuild the table when it no longer reaches the end of this year + 2. Returns rows built."""
    stamp = CalendarStamp.objects.filter(pk=1).first()
    if (
        stamp is not None
        and _table_current(stamp)
        and stamp.table_end
        and stamp.table_end >= calendar.table_end()
    ):
        return 0
    return calendar_table_build()
