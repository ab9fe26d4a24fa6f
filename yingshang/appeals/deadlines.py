"""Time limits of appeals, counted on the city's working calendar only (`yingshang.workdays.calendar`).

Sign-off limits are in working hours inside the office's working time; reply limits are in working days,
counted from receipt or from the next working day (office setting)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from yingshang.core.office_settings import get_setting
from yingshang.workdays import calendar


def _clock(key: str, at: datetime | None) -> time:
    return datetime.strptime(str(get_setting(key, at)), "%H:%M").time()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def limits_for(category: str, urgent: bool, at: datetime | None = None) -> tuple[int, int]:
    """(sign within N working hours, reply within N working days) for an appeal type."""
    key = "urgent" if urgent else category
    return int(get_setting(f"appeals.sign_hours.{key}", at)), int(
        get_setting(f"appeals.reply_days.{key}", at)
    )


def add_working_hours(start: datetime, hours: float, at: datetime | None = None) -> datetime:
    """The moment `hours` of working time after `start`, working time being the office hours of working
    days. A start outside working time begins counting at the next opening."""
    opening, closing = _clock("appeals.office_open", at), _clock("appeals.office_close", at)
    moment = _local(start)
    remaining = timedelta(hours=hours)
    day = moment.date()
    while True:
        if calendar.is_workday(day):
            day_open, day_close = _at(day, opening), _at(day, closing)
            begin = max(moment, day_open)
            if begin < day_close:
                available = day_close - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        moment = _at(day, opening)


def reply_deadline(received_at: datetime, days: int, at: datetime | None = None) -> datetime:
    """End of the office day on which a limit of `days` working days runs out."""
    rule = get_setting("appeals.count_from", at)
    received = _local(received_at).date()
    if rule == "receipt" and calendar.is_workday(received):
        last = calendar.add_workdays(received, days - 1)
    else:
        last = calendar.add_workdays(received, days)
    return _at(last, _clock("appeals.office_close", at))


def extend(deadline: datetime, days: int) -> datetime:
    return _at(
        calendar.add_workdays(_local(deadline).date(), days), _local(deadline).timetz().replace(tzinfo=None)
    )


def time_left(deadline: datetime | None, now: datetime | None = None) -> dict[str, Any] | None:
    """For the queue: hours left (negative when overdue) and a short Chinese label."""
    if deadline is None:
        return None
    now = now or timezone.now()
    seconds = (deadline - now).total_seconds()
    hours = seconds / 3600
    label = f"已超时 {_span(-seconds)}" if seconds < 0 else f"剩余 {_span(seconds)}"
    return {"hours": round(hours, 1), "overdue": seconds < 0, "soon": 0 <= seconds < 8 * 3600, "label": label}


def _span(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours = rest // 3600
    if days:
        return f"{days}天{hours}小时"
    minutes = (rest % 3600) // 60
    return f"{hours}小时{minutes}分" if hours else f"{minutes}分钟"
