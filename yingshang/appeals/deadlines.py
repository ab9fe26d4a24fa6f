"""Time limits of appeals, counted only through `yingshang.workdays.calendar` (working days, office hours,
the city-wide counting rule). Sign-off limits are in working hours, reply limits in working days.

The counting rule for appeals is an office setting (`appeals.count_from`): follow the city-wide rule of
the workdays app (default), count from receipt, or count from the next working day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from yingshang.core.office_settings import get_setting
from yingshang.workdays import calendar


def limits_for(category: str, urgent: bool, at: datetime | None = None) -> tuple[int, int]:
    """(sign within N working hours, reply within N working days) for an appeal type."""
    key = "urgent" if urgent else category
    return int(get_setting(f"appeals.sign_hours.{key}", at)), int(
        get_setting(f"appeals.reply_days.{key}", at)
    )


@dataclass(frozen=True)
class Rules:
    """Everything a deadline depends on, read once (bulk callers reuse one instance)."""

    rule: str  # "calendar" | "receipt" | "next_workday"
    office_hours: calendar.OfficeHours

    @classmethod
    def in_force(cls, at: datetime | None = None) -> Rules:
        return cls(str(get_setting("appeals.count_from", at)), calendar.OfficeHours.in_force(at))

    def resolved(self, at: datetime | None = None) -> Rules:
        """The same rules with "calendar" replaced by the city-wide rule in force at `at`, so bulk callers
        read no setting per row (the result equals `calendar.deadline_from_receipt`)."""
        if self.rule != "calendar":
            return self
        counts = bool(get_setting("workdays_count_receipt_day", at))
        return Rules("receipt" if counts else "next_workday", self.office_hours)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def _at(day: Any, clock: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def add_working_hours(start: datetime, hours: float, rules: Rules | None = None) -> datetime:
    """`hours` of office time after `start` (a start outside office hours begins at the next opening)."""
    rules = rules or Rules.in_force(start)
    return calendar.add_work_hours(start, hours, office_hours=rules.office_hours)


def sign_due(received_at: datetime, hours: int, rules: Rules | None = None) -> calendar.Deadline:
    """The sign-off limit and whether it rests on a year whose schedule is not known yet (provisional)."""
    rules = rules or Rules.in_force(received_at)
    if rules.rule == "calendar":
        return calendar.deadline_from_receipt(received_at, hours=hours, office_hours=rules.office_hours)
    start = _local(received_at)
    if rules.rule == "next_workday":
        start = _at(calendar.add_workdays(start.date(), 1), rules.office_hours.day_start())
    at = calendar.add_work_hours(start, hours, office_hours=rules.office_hours)
    return calendar.Deadline(at, calendar.provisional_between(_local(received_at).date(), at.date()))


def reply_due(received_at: datetime, days: int, rules: Rules | None = None) -> calendar.Deadline:
    """End of office hours on the day a limit of `days` working days runs out, and whether it is provisional."""
    rules = rules or Rules.in_force(received_at)
    if rules.rule == "calendar":
        return calendar.deadline_from_receipt(received_at, days=days, office_hours=rules.office_hours)
    received = _local(received_at).date()
    counts = rules.rule == "receipt" and calendar.is_workday(received)
    due = calendar.add_workdays(received, days - 1 if counts else days)
    return calendar.Deadline(
        _at(due, rules.office_hours.day_end()), calendar.provisional_between(received, due)
    )


def sign_deadline(received_at: datetime, hours: int, rules: Rules | None = None) -> datetime:
    return sign_due(received_at, hours, rules).at


def reply_deadline(received_at: datetime, days: int, rules: Rules | None = None) -> datetime:
    return reply_due(received_at, days, rules).at


def extend(deadline: datetime, days: int) -> datetime:
    local = _local(deadline)
    return _at(calendar.add_workdays(local.date(), days), local.time())


def span_provisional(start: datetime, end: datetime) -> bool:
    """Whether a clock running from `start` to `end` crosses a year whose schedule is not known yet."""
    return calendar.provisional_between(_local(start).date(), _local(end).date())


@dataclass(frozen=True)
class Clocks:
    """Both time limits of one round, each with its provisional flag."""

    sign: calendar.Deadline
    reply: calendar.Deadline

    def fields(self) -> dict[str, Any]:
        """The Appeal fields these clocks set."""
        return {
            "sign_deadline": self.sign.at,
            "sign_deadline_provisional": self.sign.provisional,
            "reply_deadline": self.reply.at,
            "reply_deadline_provisional": self.reply.provisional,
        }


def clocks_for(category: str, urgent: bool, start: datetime, extensions: Sequence[int] = ()) -> Clocks:
    """The clocks of a round started at `start` (dispatch or reopening), under the limits and counting
    rules in force then, with the approved extensions (working days, in order) added to the reply limit."""
    sign_hours, reply_days = limits_for(category, urgent, start)
    rules = Rules.in_force(start)
    sign = sign_due(start, sign_hours, rules)
    reply = reply_due(start, reply_days, rules)
    for days in extensions:
        at = extend(reply.at, days)
        reply = calendar.Deadline(at, span_provisional(start, at))
    return Clocks(sign, reply)


def time_left(deadline: datetime | None, now: datetime | None = None) -> dict[str, Any] | None:
    """For the queues: hours left (negative when overdue) and a short Chinese label."""
    if deadline is None:
        return None
    now = now or timezone.now()
    seconds = (deadline - now).total_seconds()
    label = f"已超时 {_span(-seconds)}" if seconds < 0 else f"剩余 {_span(seconds)}"
    return {
        "hours": round(seconds / 3600, 1),
        "overdue": seconds < 0,
        "soon": 0 <= seconds < 8 * 3600,
        "label": label,
    }


def _span(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours = rest // 3600
    if days:
        return f"{days}天{hours}小时"
    minutes = (rest % 3600) // 60
    return f"{hours}小时{minutes}分" if hours else f"{minutes}分钟"


__all__ = [
    "Clocks",
    "Rules",
    "add_working_hours",
    "clocks_for",
    "extend",
    "limits_for",
    "reply_deadline",
    "reply_due",
    "sign_deadline",
    "sign_due",
    "span_provisional",
    "time_left",
]
