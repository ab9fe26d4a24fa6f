"""Working-hour arithmetic and deadlines from receipt, under the office's counting rules."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from yingshang.core.office_settings import office_setting_change
from yingshang.workdays import calendar as wd

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LONG_AGO = datetime(2020, 1, 1, tzinfo=SH)


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_hours_across_lunch_break():
    # Monday 2026-11-30, 11:00 + 2 working hours: 11:00-12:00, then 13:30-14:30.
    assert wd.add_work_hours(at(2026, 11, 30, 11), 2) == at(2026, 11, 30, 14, 30)
    assert wd.work_hours_between(at(2026, 11, 30, 11), at(2026, 11, 30, 14, 30)) == 2.0
    # Starting inside the lunch break counts from 13:30.
    assert wd.add_work_hours(at(2026, 11, 30, 12, 15), 1) == at(2026, 11, 30, 14, 30)


def test_hours_across_lunch_and_weekend():
    # Friday 2026-11-27 16:00 + 6 h: 1.5 h on Friday, Monday 09:00-12:00 (3 h), 13:30-15:00 (1.5 h).
    friday = at(2026, 11, 27, 16)
    assert friday.date().weekday() == 4
    due = wd.add_work_hours(friday, 6)
    assert due == at(2026, 11, 30, 15)
    assert wd.work_hours_between(friday, due) == 6.0
    assert wd.work_hours_between(due, friday) == -6.0
    # A limit that runs out exactly at the end of the day ends at 17:30, not the next morning.
    assert wd.add_work_hours(at(2026, 11, 30, 9), 7) == at(2026, 11, 30, 17, 30)


def test_hours_across_the_national_day_break():
    # Wednesday 2026-09-30 16:30 + 3 h: 1 h on 09-30, then 10-08 (first working day) 09:00-11:00.
    assert wd.add_work_hours(at(2026, 9, 30, 16, 30), 3) == at(2026, 10, 8, 11)
    # Many whole days at once: 28 h = 4 days of 7 h, from Monday 09:00 ends Thursday 17:30.
    assert wd.add_work_hours(at(2026, 11, 30, 9), 28) == at(2026, 12, 3, 17, 30)
    assert wd.work_hours_between(at(2026, 11, 30, 9), at(2026, 12, 3, 17, 30)) == 28.0
    assert wd.work_hours_between(at(2026, 9, 30, 9), at(2026, 10, 9, 9)) == 14.0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        wd.add_work_hours(datetime(2026, 11, 30, 9), 1)


def test_office_hours_come_from_settings(office_user):
    office_setting_change(
        actor=office_user, key="workdays_afternoon_end", raw_value="17:00", effective_from=LONG_AGO
    )
    assert wd.OfficeHours.in_force().afternoon_end == time(17, 0)
    assert wd.add_work_hours(at(2026, 11, 30, 16), 2) == at(2026, 12, 1, 10)


def test_deadline_in_days_from_the_next_working_day_by_default():
    # Received Friday 2026-09-18; day 1 is Sunday 09-20 (worked), day 5 is Thursday 09-24.
    deadline = wd.deadline_from_receipt(at(2026, 9, 18, 10), days=5)
    assert deadline.at == at(2026, 9, 24, 17, 30)
    assert deadline.date == date(2026, 9, 24)
    assert deadline.provisional is False


def test_deadline_in_days_counting_the_day_of_receipt(office_user):
    office_setting_change(
        actor=office_user, key="workdays_count_receipt_day", raw_value="1", effective_from=LONG_AGO
    )
    assert wd.deadline_from_receipt(at(2026, 9, 18, 10), days=5).date == date(2026, 9, 23)
    # Received on a day off: day 1 is still the next working day.
    assert wd.deadline_from_receipt(at(2026, 9, 26, 10), days=1).date == date(2026, 9, 28)


def test_deadline_in_hours_from_receipt_or_from_next_working_day(office_user):
    received = at(2026, 11, 27, 16)  # Friday
    # Default: clock starts Monday 09:00; 6 h ends 16:30 Monday.
    assert wd.deadline_from_receipt(received, hours=6).at == at(2026, 11, 30, 16, 30)
    office_setting_change(
        actor=office_user, key="workdays_count_receipt_day", raw_value="1", effective_from=LONG_AGO
    )
    # From receipt: 1.5 h Friday, 3 h Monday morning, 1.5 h after lunch.
    assert wd.deadline_from_receipt(received, hours=6).at == at(2026, 11, 30, 15)
    # Received after hours: the clock starts the next working morning.
    assert wd.deadline_from_receipt(at(2026, 11, 27, 19), hours=2).at == at(2026, 11, 30, 11)


def test_deadline_needs_exactly_one_of_days_and_hours():
    with pytest.raises(ValueError):
        wd.deadline_from_receipt(at(2026, 11, 27, 10))
    with pytest.raises(ValueError):
        wd.deadline_from_receipt(at(2026, 11, 27, 10), days=1, hours=2)
