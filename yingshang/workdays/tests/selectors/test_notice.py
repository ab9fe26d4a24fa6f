from datetime import date

import pytest
from django.urls import reverse

from yingshang.org import roles as r
from yingshang.workdays import calendar as wd
from yingshang.workdays import services
from yingshang.workdays.models import CalendarOverride
from yingshang.workdays.selectors import provisional_notice, special_days, workday_ordinal, year_status

pytestmark = pytest.mark.django_db
PAGE = reverse("workdays:calendar")


def test_notice_for_the_office_only_until_the_year_is_entered(make_user, office_user):
    november = date(2026, 11, 27)
    notice = provisional_notice(office_user, today=november)
    assert notice is not None
    assert notice["years"] == [2027]
    assert notice["url"] == f"{PAGE}?year=2027"
    assert provisional_notice(office_user, today=date(2026, 5, 1)) is None  # before October: not yet
    assert provisional_notice(make_user(r.LIAISON), today=november) is None
    services.calendar_year_enter(actor=office_user, year=2027, text="2027-01-01 休")
    assert provisional_notice(office_user, today=november) is None


def test_year_status_by_source(office_user):
    assert year_status(2026).source == "package"
    assert year_status(2027).source == "provisional"
    services.calendar_year_enter(actor=office_user, year=2027, text="2027-01-01 休")
    assert year_status(2027).source == "office"


def test_special_days_of_2026_october_and_office_days(office_user):
    services.calendar_override_set(
        actor=office_user, day=date(2026, 11, 30), is_workday=True, note="照常上班"
    )
    days = {d.day: (d.is_workday, d.name, d.source) for d in special_days(2026) if d.day.month >= 9}
    assert days == {
        date(2026, 9, 20): (True, "国庆节", "package"),
        date(2026, 9, 25): (False, "中秋节", "package"),
        date(2026, 10, 1): (False, "国庆节", "package"),
        date(2026, 10, 2): (False, "国庆节", "package"),
        date(2026, 10, 5): (False, "国庆节", "package"),
        date(2026, 10, 6): (False, "国庆节", "package"),
        date(2026, 10, 7): (False, "国庆节", "package"),
        date(2026, 10, 10): (True, "国庆节", "package"),
        date(2026, 11, 30): (True, "照常上班", "office"),
    }


def test_database_ordinals_filter_like_the_python_calendar(office_user):
    for day in [
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 12),
        date(2027, 1, 4),
    ]:
        services.calendar_override_set(actor=office_user, day=day, is_workday=True)
    services.calendar_override_set(actor=office_user, day=date(2026, 10, 9), is_workday=False)
    rows = CalendarOverride.objects.annotate(ordinal=workday_ordinal("date")).order_by("date")
    assert [(o.date, o.ordinal) for o in rows] == [(o.date, wd.ordinal_of(o.date)) for o in rows]
    start = date(2026, 9, 30)
    limit = wd.ordinal_of(start) + 2  # within 2 working days after 09-30 (10-08, Saturday 10-10)
    due_soon = rows.filter(ordinal__gt=wd.ordinal_of(start), ordinal__lte=limit)
    # 10-09 is now a day off and shares 10-08's ordinal; 10-12 lies beyond 10-10.
    assert [o.date for o in due_soon] == [date(2026, 10, 8), date(2026, 10, 9)]
    assert wd.add_workdays(start, 2) == date(2026, 10, 10)
    assert wd.ordinal_of(date(2040, 1, 1)) is None
