"""Time limits on the working calendar, across the 2026 National Day break (10-01..10-07 off; the
Sunday 9-20 and the Saturday 10-10 are worked). Office hours are the workdays defaults:
09:00–12:00 and 13:30–17:30, seven hours a day."""

from datetime import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from yingshang.appeals import deadlines, services
from yingshang.appeals.models import Dispatch
from yingshang.core.office_settings import office_setting_change


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def rule(office_user):
    calls = []

    def set_rule(value):
        calls.append(value)
        office_setting_change(
            actor=office_user,
            key="appeals.count_from",
            raw_value=value,
            effective_from=local(2026, 1, 1, 0, len(calls)),
        )

    return set_rule


@pytest.mark.django_db
def test_working_hours_skip_the_holiday():
    # 9-30 15:00: 2.5 hours left that day, then 10-08 09:00–12:00 and 13:30–16:00.
    assert deadlines.add_working_hours(local(2026, 9, 30, 15, 0), 8) == local(2026, 10, 8, 16, 0)
    # 24 hours: 2.5 (9-30) + 7 (10-08) + 7 (10-09) + 7 (worked Saturday 10-10) + 0.5 (Monday 10-12).
    assert deadlines.add_working_hours(local(2026, 9, 30, 15, 0), 24) == local(2026, 10, 12, 9, 30)
    # A holiday evening: counting starts at the next opening.
    assert deadlines.add_working_hours(local(2026, 10, 3, 20, 0), 4) == local(2026, 10, 8, 14, 30)


@pytest.mark.django_db
def test_worked_sunday_counts(rule):
    rule("receipt")
    # Saturday 9-19 is off, Sunday 9-20 is worked (7 hours), then one hour on Monday.
    assert deadlines.sign_deadline(local(2026, 9, 19, 10, 0), 8) == local(2026, 9, 21, 10, 0)
    assert deadlines.reply_deadline(local(2026, 9, 19, 10, 0), 5) == local(2026, 9, 24, 17, 30)


@pytest.mark.django_db
def test_reply_days_by_counting_rule(rule):
    received = local(2026, 9, 30, 15, 0)
    rule("receipt")  # 9-30 is day 1, then 10-08, 10-09, 10-10 (worked Saturday), 10-12
    assert deadlines.reply_deadline(received, 5) == local(2026, 10, 12, 17, 30)
    rule("next_workday")
    assert deadlines.reply_deadline(received, 5) == local(2026, 10, 13, 17, 30)
    assert deadlines.sign_deadline(received, 8) == local(2026, 10, 9, 10, 0)
    rule("calendar")  # the workdays default: the day of receipt does not count
    assert deadlines.reply_deadline(received, 5) == local(2026, 10, 13, 17, 30)
    assert deadlines.sign_deadline(received, 8) == local(2026, 10, 9, 10, 0)
    bulk = deadlines.Rules.in_force(received).resolved(received)
    assert bulk.rule == "next_workday"
    assert deadlines.reply_deadline(received, 5, bulk) == local(2026, 10, 13, 17, 30)
    assert deadlines.sign_deadline(received, 8, bulk) == local(2026, 10, 9, 10, 0)


def test_dispatch_sets_limits_across_the_break(walk, office_user, dept, rule):
    rule("receipt")
    appeal = walk("submitted", category="complaint")
    with freeze_time("2026-09-30 07:00:00"):  # 15:00 in Asia/Shanghai
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    dispatch = Dispatch.objects.get(appeal=appeal)
    # complaint: sign within 8 working hours, reply within 10 working days (9-30 is day 1 … 10-19 day 10).
    assert timezone.localtime(dispatch.sign_deadline) == local(2026, 10, 8, 16, 0)
    assert timezone.localtime(dispatch.reply_deadline) == local(2026, 10, 19, 17, 30)
    appeal.refresh_from_db()
    assert appeal.reply_deadline == dispatch.reply_deadline


def test_dispatch_with_the_city_wide_rule(walk, office_user, dept):
    appeal = walk("submitted", category="complaint")
    with freeze_time("2026-09-30 07:00:00"):
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    dispatch = Dispatch.objects.get(appeal=appeal)
    assert timezone.localtime(dispatch.sign_deadline) == local(2026, 10, 9, 10, 0)
    assert timezone.localtime(dispatch.reply_deadline) == local(2026, 10, 20, 17, 30)


def test_urgent_limits(walk, office_user, dept, rule):
    rule("receipt")
    appeal = walk("submitted", category="complaint", urgent=True)
    with freeze_time("2026-09-30 08:00:00"):  # 16:00 local
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    dispatch = Dispatch.objects.get(appeal=appeal)
    assert timezone.localtime(dispatch.sign_deadline) == local(2026, 10, 8, 9, 30)
    assert timezone.localtime(dispatch.reply_deadline) == local(2026, 9, 30, 17, 30)


def test_sign_late_is_recorded(walk, office_user, dept, liaison, rule):
    rule("receipt")
    appeal = walk("submitted", category="consult")
    with freeze_time("2026-09-30 07:00:00"):
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    with freeze_time("2026-10-08 04:59:00"):  # 12:59 local; limit 4 working hours → 10-08 10:30
        services.appeal_sign(actor=liaison, appeal=appeal)
    dispatch = Dispatch.objects.get(appeal=appeal)
    assert timezone.localtime(dispatch.sign_deadline) == local(2026, 10, 8, 10, 30)
    assert dispatch.signed_on_time is False
