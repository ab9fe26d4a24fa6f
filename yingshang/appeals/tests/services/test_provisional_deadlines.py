"""Clocks that run into a year whose schedule is not entered yet are provisional (临时), and are
recomputed when the office enters that year's schedule (workdays.hooks)."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, Dispatch
from yingshang.audit.models import AuditRecord
from yingshang.core.events import timeline_for
from yingshang.core.office_settings import office_setting_change
from yingshang.workdays import calendar
from yingshang.workdays import services as workdays_services
from yingshang.workdays.hooks import RECOMPUTE_TASKS


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """These tests change the calendar; the next test must not keep this one's (rolled back) schedule."""
    calendar.invalidate()
    yield
    calendar.invalidate()


def local(moment):
    return timezone.localtime(moment)


@pytest.fixture
def receipt_rule(office_user):
    # Help appeals: sign within 8 working hours, reply within 5 working days, the day of dispatch counting.
    office_setting_change(
        actor=office_user,
        key="appeals.count_from",
        raw_value="receipt",
        effective_from=timezone.make_aware(datetime(2026, 1, 1)),
    )


def dispatched_on(day, hour, submit, office_user, dept):
    with freeze_time(timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))):
        appeal = submit()
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    appeal.refresh_from_db()
    return appeal


def test_recompute_task_is_registered():
    assert "yingshang.appeals.jobs.recompute_deadlines" in RECOMPUTE_TASKS


def test_a_clock_crossing_into_2027_is_provisional_and_recomputed_when_2027_is_entered(
    db, receipt_rule, submit, office_user, liaison, dept, login, django_capture_on_commit_callbacks
):
    assert calendar.is_provisional(date(2027, 1, 4)) and not calendar.is_provisional(date(2026, 12, 31))
    day_end = calendar.OfficeHours.in_force().day_end()
    crossing = dispatched_on(date(2026, 12, 28), 10, submit, office_user, dept)  # Monday
    # 12-28, 29, 30, 31 and 2027-01-01 (a weekday, assumed a working day while 2027 is unknown)
    assert local(crossing.reply_deadline).date() == date(2027, 1, 1)
    assert local(crossing.reply_deadline).time() == day_end
    assert crossing.reply_deadline_provisional is True
    assert crossing.sign_deadline_provisional is False  # 8 working hours stay in 2026
    sign_before = crossing.sign_deadline
    inside = dispatched_on(date(2026, 12, 7), 10, submit, office_user, dept)
    assert local(inside.reply_deadline).date() == date(2026, 12, 11)
    assert not inside.reply_deadline_provisional and not inside.sign_deadline_provisional

    page = login(liaison).get(reverse("appeals:detail", args=[crossing.pk])).content.decode()
    assert ">临时</span>" in page
    assert (
        ">临时</span>" not in login(liaison).get(reverse("appeals:detail", args=[inside.pk])).content.decode()
    )

    with (
        freeze_time(timezone.make_aware(datetime(2026, 12, 29, 9))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workdays_services.calendar_year_enter(actor=office_user, year=2027, text="2027-01-01 休 元旦")
    crossing.refresh_from_db()
    assert local(crossing.reply_deadline).date() == date(2027, 1, 4)  # New Year's Day is now a holiday
    assert local(crossing.reply_deadline).time() == day_end
    assert crossing.reply_deadline_provisional is False
    assert crossing.sign_deadline == sign_before
    main = Dispatch.objects.get(appeal=crossing, role="main")
    assert main.reply_deadline == crossing.reply_deadline and main.sign_deadline == sign_before
    assert [e.label for e in timeline_for(crossing)][-1] == "时限重算"
    assert (
        AuditRecord.objects.filter(action="appeal.deadline_recompute", object_id=str(crossing.pk)).count()
        == 1
    )
    unchanged = Appeal.objects.get(pk=inside.pk)
    assert unchanged.reply_deadline == inside.reply_deadline
    assert "时限重算" not in [e.label for e in timeline_for(unchanged)]
    page = login(liaison).get(reverse("appeals:detail", args=[crossing.pk])).content.decode()
    assert ">临时</span>" not in page

    # Safe to run twice: nothing changes, nothing more is recorded.
    assert services.appeal_deadlines_recompute(first=date(2027, 1, 1), last=date(2027, 12, 31)) == 0
    assert AuditRecord.objects.filter(action="appeal.deadline_recompute").count() == 1


def test_signed_appeal_keeps_its_sign_deadline_and_extensions_are_reapplied(
    db, receipt_rule, submit, office_user, liaison, dept, django_capture_on_commit_callbacks
):
    appeal = dispatched_on(date(2026, 12, 21), 10, submit, office_user, dept)  # Monday
    assert local(appeal.reply_deadline).date() == date(2026, 12, 25)
    with freeze_time(timezone.make_aware(datetime(2026, 12, 21, 11))):
        services.appeal_sign(actor=liaison, appeal=appeal)
        extension = services.extension_request(actor=liaison, appeal=appeal, days=5, reason="需现场核查")
        services.extension_decide(actor=office_user, extension=extension, approve=True)
    appeal.refresh_from_db()
    sign_before = appeal.sign_deadline
    # 12-28 … 12-31 and 2027-01-01, assumed a working day
    assert local(appeal.reply_deadline).date() == date(2027, 1, 1)
    assert appeal.reply_deadline_provisional is True
    with django_capture_on_commit_callbacks(execute=True):
        workdays_services.calendar_year_enter(actor=office_user, year=2027, text="2027-01-01 休 元旦")
    appeal.refresh_from_db()
    assert local(appeal.reply_deadline).date() == date(2027, 1, 4)
    assert appeal.reply_deadline_provisional is False
    assert appeal.sign_deadline == sign_before  # signed: the sign clock is history
    main = Dispatch.objects.get(appeal=appeal, role="main")
    assert local(main.reply_deadline).date() == date(2027, 1, 4)
