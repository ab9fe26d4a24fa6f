"""Working days from the official 2026 schedule (chinesecalendar 1.11) and the Monday–Friday fallback."""

import random
from datetime import date, timedelta

import pytest

from yingshang.workdays import calendar as wd

pytestmark = pytest.mark.django_db


def _days(start: date, end: date) -> dict[date, bool]:
    out = {}
    d = start
    while d <= end:
        out[d] = wd.is_workday(d)
        d += timedelta(days=1)
    return out


def test_national_day_2026_break_and_mid_autumn():
    days = _days(date(2026, 9, 18), date(2026, 10, 12))
    off = {d for d, work in days.items() if not work}
    assert off == {
        date(2026, 9, 19),  # Saturday
        date(2026, 9, 25),  # Mid-Autumn, Friday
        date(2026, 9, 26),
        date(2026, 9, 27),
        *(date(2026, 10, day) for day in range(1, 8)),  # National Day 10-01 .. 10-07
        date(2026, 10, 11),  # Sunday
    }
    assert date(2026, 9, 20).weekday() == 6 and days[date(2026, 9, 20)] is True  # Sunday worked
    assert date(2026, 10, 10).weekday() == 5 and days[date(2026, 10, 10)] is True  # Saturday worked
    assert days[date(2026, 10, 8)] is True
    assert wd.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert wd.add_workdays(date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert wd.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert wd.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert wd.workdays_between(date(2026, 9, 18), date(2026, 10, 12)) == 12
    assert wd.is_provisional(date(2026, 10, 1)) is False


def test_spring_festival_2026():
    days = _days(date(2026, 2, 13), date(2026, 3, 2))
    off = sorted(d for d, work in days.items() if not work)
    assert off == [date(2026, 2, day) for day in range(15, 24)] + [date(2026, 3, 1)]
    assert days[date(2026, 2, 14)] is True  # Saturday worked before the break
    assert days[date(2026, 2, 28)] is True  # Saturday worked after it
    assert wd.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert wd.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert wd.add_workdays(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert wd.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_add_workdays_zero_and_negative():
    assert wd.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert wd.add_workdays(date(2026, 10, 3), -1) == date(2026, 9, 30)
    assert wd.add_workdays(date(2026, 10, 8), -2) == date(2026, 9, 29)
    assert wd.add_workdays(date(2026, 9, 28), -1) == date(2026, 9, 24)


def test_unknown_year_falls_back_to_weekdays_and_is_provisional():
    assert wd.is_provisional(date(2027, 3, 1)) is True
    assert wd.is_workday(date(2027, 1, 1)) is True  # a Friday: New Year's Day unknown until entered
    assert wd.is_workday(date(2027, 1, 2)) is False
    assert wd.add_workdays_info(date(2026, 12, 28), 5) == (date(2027, 1, 4), True)
    assert wd.add_workdays_info(date(2026, 12, 1), 5) == (date(2026, 12, 8), False)
    assert wd.provisional_between(date(2027, 1, 4), date(2026, 12, 28)) is True


def test_outside_the_held_range_gives_the_same_answers():
    # 2014 is before EPOCH, 2040 after the held range: the slow path must agree with the rules.
    assert wd.is_workday(date(2014, 10, 1)) is False
    assert wd.is_workday(date(2014, 9, 28)) is True  # Sunday worked in 2014
    assert wd.add_workdays(date(2014, 12, 31), 1) == date(2015, 1, 4)  # 2015-01-04 Sunday worked
    assert wd.workdays_between(date(2040, 1, 1), date(2040, 1, 31)) == 22
    assert wd.add_workdays(date(2040, 1, 1), 22) == date(2040, 1, 31)
    assert wd.is_provisional(date(2040, 1, 1)) is True


def test_workdays_between_properties():
    rng = random.Random(20261127)
    base = date(2015, 1, 1)
    for _ in range(400):
        a, b, c = (base + timedelta(days=rng.randrange(0, 4700)) for _ in range(3))
        ab = wd.workdays_between(a, b)
        assert wd.workdays_between(a, a) == 0
        assert wd.workdays_between(b, a) == -ab
        assert ab + wd.workdays_between(b, c) == wd.workdays_between(a, c)
        if b >= a:
            # The ab-th working day after a never passes b, and is b itself when b is a working day.
            landed = wd.add_workdays(a, ab)
            assert landed <= b
            if wd.is_workday(b):
                assert landed == b
        n = rng.randrange(-30, 31)
        target = wd.add_workdays(a, n)
        if n >= 0:
            assert wd.workdays_between(a, target) == n
        else:
            # Counting back excludes `a` itself: (target, a] holds |n| - 1 working days plus a if it is one.
            assert wd.workdays_between(target, a) == -n - 1 + wd.is_workday(a)
        if n:
            assert wd.is_workday(target)


def test_fast_path_agrees_with_walking_day_by_day():
    start = date(2025, 12, 20)
    d, count = start, 0
    while d < date(2027, 2, 1):
        d += timedelta(days=1)
        count += wd.is_workday(d)
        assert wd.workdays_between(start, d) == count
        if wd.is_workday(d):
            assert wd.add_workdays(start, count) == d


def test_warm_calendar_answers_without_queries(django_assert_num_queries):
    wd.is_workday(date(2026, 1, 5))
    with django_assert_num_queries(0):
        for k in range(50):
            wd.add_workdays(date(2026, 1, 5), k)
            wd.workdays_between(date(2026, 1, 5), date(2026, 3, 1))
            wd.is_provisional(date(2027, 1, 1))
