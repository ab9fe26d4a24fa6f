"""Reads of the working-day calendar for the office's page and the provisional notice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from . import calendar
from .models import CalendarOverride, CalendarYear, WorkCalendarDay
from .permissions import can_manage_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def overrides_for_year(year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).select_related("created_by").order_by("date")


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: str  # "package" | "office" | "provisional"
    record: CalendarYear | None

    @property
    def label(self) -> str:
        return {
            "package": "国务院办公厅已公布（随系统提供）",
            "office": "营商办已录入全年安排",
            "provisional": "尚未录入，暂按周一至周五推算",
        }[self.source]

    @property
    def provisional(self) -> bool:
        return self.source == "provisional"


def year_status(year: int) -> YearStatus:
    record = CalendarYear.objects.filter(year=year).select_related("updated_by").first()
    if calendar.package_covers(year):
        return YearStatus(year, "package", record)
    if record is not None and record.complete:
        return YearStatus(year, "office", record)
    return YearStatus(year, "provisional", record)


@dataclass(frozen=True)
class SpecialDay:
    day: date
    is_workday: bool
    name: str
    source: str  # "office" | "package"


def special_days(year: int, overrides: Iterable[CalendarOverride] | None = None) -> list[SpecialDay]:
    """Days of `year` that break the Monday–Friday pattern: holidays on weekdays and worked weekends, plus
    every day the office overrode (even when it matches the pattern). `overrides`: the year's, if at hand."""
    if overrides is None:
        overrides = CalendarOverride.objects.filter(date__year=year)
    by_date = {o.date: o for o in overrides}
    covered = calendar.package_covers(year)
    result = []
    d = date(year, 1, 1)
    while d.year == year:
        work = calendar.is_workday(d)
        override = by_date.get(d)
        if override is not None:
            result.append(SpecialDay(d, work, override.note, "office"))
        elif work != (d.weekday() < 5):
            name = ""
            if covered:
                _, holiday = chinese_calendar.get_holiday_detail(d)
                name = HOLIDAY_NAMES.get(str(holiday or ""), str(holiday or ""))
            result.append(SpecialDay(d, work, name, "package"))
        d += timedelta(days=1)
    return result


# The State Council usually publishes next year's schedule between late October and December; from
# October the office is reminded to enter it (long limits started then already reach into next year).
NOTICE_NEXT_YEAR_FROM_MONTH = 10


def notice_years(today: date | None = None) -> list[int]:
    """Years the office should have entered by now: this year when provisional, and next year from October.
    Answered from the in-memory calendar: no query, so the notice can sit in the base layout."""
    today = today or timezone.localdate()
    years = [today.year]
    if today.month >= NOTICE_NEXT_YEAR_FROM_MONTH:
        years.append(today.year + 1)
    return calendar.provisional_years(years)


def provisional_notice(user: Any, today: date | None = None) -> dict[str, Any] | None:
    """For the office: {"years": [...], "url": ...} when a year it should have entered is missing, else None."""
    if not can_manage_calendar(user):
        return None
    years = notice_years(today)
    if not years:
        return None
    return {
        "years": years,
        "years_text": "、".join(f"{y}年" for y in years),
        "url": f"{reverse('workdays:calendar')}?year={years[-1]}",
    }


def workday_ordinal(date_field: str) -> Subquery:
    """The working-day ordinal of a date column, for database filters by deadline, e.g. items due within
    3 working days: `qs.annotate(due_ord=workday_ordinal("due_date"))
    .filter(due_ord__lte=calendar.ordinal_of(today) + 3)`. Dates outside the table give NULL."""
    return Subquery(WorkCalendarDay.objects.filter(date=OuterRef(date_field)).values("ordinal")[:1])
