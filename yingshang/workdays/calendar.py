"""Working days of mainland China. THE ONLY place deadlines are counted.

Public interface (other apps import only these):
    is_workday(d: date) -> bool
    add_workdays(start: date, n: int) -> date          # n working days after `start` (n may be 0 or negative)
    workdays_between(start: date, end: date) -> int    # working days in (start, end]; negative if end < start
    is_provisional(d: date) -> bool                    # no official schedule known for d's year
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_provisional(d: date) -> bool:
    try:
        chinese_calendar.is_workday(d)
    except NotImplementedError:
        return True
    return False


def is_workday(d: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def add_workdays(start: date, n: int) -> date:
    step = 1 if n >= 0 else -1
    d = start
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_workday(d):
            remaining -= 1
    return d


def workdays_between(start: date, end: date) -> int:
    if end < start:
        return -workdays_between(end, start)
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        if is_workday(d):
            count += 1
    return count
