"""Reporting cycles, due dates and warning levels, derived from a task's facts on working days.

A task's warning is never set by hand. From its facts (state, deadline, cycle, start, last reported cycle)
we compute three dates: `yellow_at`, `red_at` and `missing_at`, the first day the task is yellow, red, or has
a report missing (未按时反馈), assuming nothing else happens. They are stored on every write and refreshed
by the daily scan (settings or the holiday schedule may change), so "red today" is `red_at <= today`,
an indexed comparison the database makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from yingshang.core.office_settings import get_setting
from yingshang.workdays.calendar import add_workdays

from .models import Cycle, Task

MONTHS: dict[str, int] = {Cycle.MONTH: 1, Cycle.QUARTER: 3, Cycle.HALF: 6, Cycle.YEAR: 12}
OPEN_STATES: set[str] = {Task.State.NOT_STARTED, Task.State.IN_PROGRESS}

GREEN, YELLOW, RED = "green", "yellow", "red"
LEVEL_LABELS = {GREEN: "正常", YELLOW: "黄色预警", RED: "红色预警"}


def period_start(d: date, cycle: str) -> date:
    """First day of the reporting cycle containing `d` (calendar months, quarters, halves, years)."""
    months = MONTHS[cycle]
    month = ((d.month - 1) // months) * months + 1
    return date(d.year, month, 1)


def next_period(start: date, cycle: str) -> date:
    months = start.month - 1 + MONTHS[cycle]
    return date(start.year + months // 12, months % 12 + 1, 1)


def previous_period(start: date, cycle: str) -> date:
    months = start.month - 1 - MONTHS[cycle]
    return date(start.year + months // 12, months % 12 + 1, 1)


def period_end(start: date, cycle: str) -> date:
    return next_period(start, cycle) - timedelta(days=1)


def period_label(start: date, cycle: str) -> str:
    if cycle == "month":
        return f"{start.year}年{start.month}月"
    if cycle == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if cycle == "half":
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return f"{start.year}年度"


def _due(end: date, workdays: int) -> date:
    # Not cached here: the workdays calendar caches itself and drops its copy when the office edits it.
    return add_workdays(end, workdays)


def report_due(start: date, cycle: str, workdays: int | None = None) -> date:
    """Last day to report on the cycle starting `start`: the Nth working day after it ends."""
    n = int(get_setting("ledger_report_due_workdays")) if workdays is None else workdays
    return _due(period_end(start, cycle), n)


@dataclass(frozen=True)
class Rules:
    yellow_workdays: int
    red_missed: int
    due_workdays: int

    @classmethod
    def current(cls) -> Rules:
        return cls(
            yellow_workdays=int(get_setting("ledger_yellow_workdays")),
            red_missed=int(get_setting("ledger_red_missed_reports")),
            due_workdays=int(get_setting("ledger_report_due_workdays")),
        )


@dataclass(frozen=True)
class Thresholds:
    yellow_at: date | None
    red_at: date | None
    missing_at: date | None


NONE = Thresholds(None, None, None)


def _before_workdays(deadline: date, n: int) -> date:
    return add_workdays(deadline, -n)


def facts(task: Task) -> dict[str, Any]:
    """What a task's warning follows from, as `thresholds` and `missed_count` take it."""
    return {
        "state": task.state,
        "deadline": task.deadline,
        "ongoing": task.ongoing,
        "cycle": task.cycle,
        "start_date": task.start_date,
        "last_period": task.last_period,
    }


def thresholds(
    *,
    state: str,
    deadline: date | None,
    ongoing: bool,
    cycle: str,
    start_date: date,
    last_period: date | None,
    rules: Rules,
) -> Thresholds:
    """When the task turns yellow, red and has a report missing, if nothing else happens.

    Reports are owed for every cycle from the one containing `start_date`; for a task with a deadline,
    up to the cycle containing the deadline. Yellow: the deadline is within N working days, or a report is
    past its due date. Missing: no report for a cycle by the next cycle's due date. Red: the deadline has
    passed, or M reports in a row are missing since the last one."""
    if state not in OPEN_STATES:
        return NONE
    candidates_yellow: list[date] = []
    candidates_red: list[date] = []
    missing_at: date | None = None
    if deadline is not None and not ongoing:
        candidates_yellow.append(_before_workdays(deadline, rules.yellow_workdays))
        candidates_red.append(deadline + timedelta(days=1))
    last_owed = period_start(deadline, cycle) if deadline is not None and not ongoing else None
    first = next_period(last_period, cycle) if last_period else period_start(start_date, cycle)
    if last_owed is None or first <= last_owed:
        due = _due(period_end(first, cycle), rules.due_workdays)
        candidates_yellow.append(due + timedelta(days=1))
        # The k-th missing report is counted the day after the due date of the cycle k after `first`.
        missed = first
        for k in range(1, rules.red_missed + 1):
            if last_owed is not None and missed > last_owed:
                break
            following = next_period(missed, cycle)
            day = _due(period_end(following, cycle), rules.due_workdays) + timedelta(days=1)
            missed = following
            if k == 1:
                missing_at = day
            if k == rules.red_missed:
                candidates_red.append(day)
    return Thresholds(
        yellow_at=min(candidates_yellow) if candidates_yellow else None,
        red_at=min(candidates_red) if candidates_red else None,
        missing_at=missing_at,
    )


def level(yellow_at: date | None, red_at: date | None, on: date) -> str:
    if red_at is not None and red_at <= on:
        return RED
    if yellow_at is not None and yellow_at <= on:
        return YELLOW
    return GREEN


def missed_count(
    *,
    state: str,
    cycle: str,
    start_date: date,
    last_period: date | None,
    deadline: date | None,
    ongoing: bool,
    on: date,
    rules: Rules,
    limit: int = 60,
) -> int:
    """Reports missing in a row since the last one, as of `on` (for display and the report)."""
    if state not in OPEN_STATES:
        return 0
    p = next_period(last_period, cycle) if last_period else period_start(start_date, cycle)
    last_owed = period_start(deadline, cycle) if deadline is not None and not ongoing else None
    count = 0
    while count < limit and (last_owed is None or p <= last_owed):
        nxt = next_period(p, cycle)
        if _due(period_end(nxt, cycle), rules.due_workdays) >= on:
            break
        count += 1
        p = nxt
    return count


def due_report_period(*, cycle: str, start_date: date, last_period: date | None, on: date) -> date:
    """The cycle a department should report on next, from the task's facts only (for lists): the last
    ended cycle when it is owed and not yet reported, otherwise the current one."""
    current = period_start(on, cycle)
    previous = previous_period(current, cycle)
    if previous >= period_start(start_date, cycle) and (last_period is None or last_period < previous):
        return previous
    return current
