"""The rates against an example computed by hand (2026 Q3, two departments)."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from yingshang.appeals import rates, services
from yingshang.appeals.tests.conftest import intake
from yingshang.org import roles as r


def at(month, day, hour, minute=0):
    return freeze_time(timezone.make_aware(datetime(2026, month, day, hour, minute)))


@pytest.fixture
def example(office_user, dept, other_dept, liaison, other_liaison, make_user, committed):
    """Department A (`dept`), help appeals (sign within 8 working hours, reply within 5 working days).
    Counting from dispatch (rule "receipt"), office hours 09:00–12:00 and 13:30–17:30.
    Dispatched Monday 7-06 10:00: sign limit 7-07 11:00, reply limit 7-10 17:30.

      a1  signed on time, replied on time, satisfied + solved
      a2  signed late (7-08), replied late (7-20), basically satisfied + solved
      a3  on time; unsatisfied + unsolved → reopened 7-13 10:00 (round 2, limits 7-14 11:00 / 7-17 17:30);
          signed and replied on time; satisfied + solved
      a4  returned (left out of A's figures) → dispatched to B 7-07 10:00, on time, satisfied + solved
      a5  repeats a1 (same phone, same text) → linked duplicate, left out although signed late
      a6  on time, basically satisfied but unsolved, then marked unreasonable → left out of follow-ups
      a7  never signed nor replied (limits passed)
      a8  dispatched, then closed as invalid → left out

    A: response 4/6 (a1, a3 r1, a3 r2, a6 of a1, a2, a3×2, a6, a7)
       resolution 3/4, satisfaction (2 + 0.9) / 4 = 0.725, on-time reply 4/6
       composite 0.1 × 2/3 + 0.5 × 0.75 + 0.4 × 0.725 = 0.731666…
    B: 1/1 everywhere, composite 1.0
    """
    from yingshang.core.office_settings import office_setting_change

    office_setting_change(
        actor=office_user,
        key="appeals.count_from",
        raw_value="receipt",
        effective_from=timezone.make_aware(datetime(2026, 1, 1)),
    )
    text = "我公司厂区门前的市政道路破损严重，雨天积水，货车进出困难，请求尽快维修。"
    with at(7, 3, 9):
        a = {
            n: services.appeal_submit(actor=None, data=intake(contact_phone=f"1390000000{n}"))
            for n in range(1, 9)
        }
        a[1] = committed(
            services.appeal_submit, actor=None, data=intake(description=text, contact_phone="13800000001")
        )
        a[5] = committed(
            services.appeal_submit, actor=None, data=intake(description=text, contact_phone="13800000001")
        )
    assert a[5].duplicate_of == a[1]
    with at(7, 6, 10):
        for n in range(1, 9):
            services.appeal_dispatch(actor=office_user, appeal=a[n], main_department=dept)
    with at(7, 6, 11):
        for n in (1, 3, 6):
            services.appeal_sign(actor=liaison, appeal=a[n])
        services.appeal_return(actor=liaison, appeal=a[4], reason="function")
        services.appeal_close_invalid(actor=office_user, appeal=a[8], reason="spam", note="广告")
    with at(7, 7, 10):
        services.appeal_dispatch(actor=office_user, appeal=a[4], main_department=other_dept)
    with at(7, 7, 11):
        services.appeal_sign(actor=other_liaison, appeal=a[4])
        for n in (1, 3, 6):
            services.appeal_reply(actor=liaison, appeal=a[n], content="已协调相关部门解决企业反映的问题。")
        services.appeal_reply(actor=other_liaison, appeal=a[4], content="已协调相关部门解决企业反映的问题。")
    with at(7, 8, 10):
        services.appeal_sign(actor=liaison, appeal=a[2])
        services.appeal_sign(actor=liaison, appeal=a[5])
    with at(7, 10, 9):
        services.appeal_follow_up(actor=office_user, appeal=a[1], satisfaction="satisfied", solved=True)
        services.appeal_follow_up(actor=office_user, appeal=a[4], satisfaction="satisfied", solved=True)
        services.appeal_follow_up(actor=office_user, appeal=a[6], satisfaction="basic", solved=False)
    with at(7, 13, 10):
        services.appeal_follow_up(actor=office_user, appeal=a[3], satisfaction="unsatisfied", solved=False)
    with at(7, 13, 11):
        services.appeal_sign(actor=liaison, appeal=a[3])
    with at(7, 14, 9):
        services.appeal_reply(actor=liaison, appeal=a[3], content="已再次协调相关部门解决企业反映的问题。")
    with at(7, 15, 9):
        services.appeal_follow_up(actor=office_user, appeal=a[3], satisfaction="satisfied", solved=True)
        services.followup_mark_unreasonable(
            actor=office_user, followup=a[6].followups.get(), reason="超出范围"
        )
    with at(7, 20, 9):
        services.appeal_reply(actor=liaison, appeal=a[2], content="已协调相关部门解决企业反映的问题。")
    with at(7, 21, 9):
        services.appeal_follow_up(actor=office_user, appeal=a[2], satisfaction="basic", solved=True)
    return a


Q3 = (date(2026, 7, 1), date(2026, 9, 30))
NOW = timezone.make_aware(datetime(2026, 10, 15, 9))


def figures(d):
    return {k: (v.numerator, v.denominator) for k, v in d.items()}


def test_rates_match_the_hand_computed_example(example, dept, other_dept):
    assert figures(rates.response_rate(*Q3)) == {dept.pk: (4, 6), other_dept.pk: (1, 1)}
    assert figures(rates.resolution_rate(*Q3)) == {dept.pk: (3, 4), other_dept.pk: (1, 1)}
    satisfaction = rates.satisfaction_rate(*Q3)
    assert satisfaction[dept.pk].numerator == pytest.approx(2.9)
    assert satisfaction[dept.pk].value == pytest.approx(0.725)
    assert figures(rates.on_time_reply_rate(*Q3, now=NOW)) == {dept.pk: (4, 6), other_dept.pk: (1, 1)}
    composite = rates.composite_score(*Q3)
    assert composite[dept.pk] == pytest.approx(0.1 * 4 / 6 + 0.5 * 0.75 + 0.4 * 0.725)
    assert composite[other_dept.pk] == pytest.approx(1.0)


def test_other_periods_and_scopes(example, dept):
    assert rates.response_rate(date(2026, 4, 1), date(2026, 6, 30)) == {}
    assert list(rates.resolution_rate(*Q3, department_ids=[dept.pk])) == [dept.pk]


def test_weights_are_office_settings(example, dept, office_user):
    from yingshang.core.office_settings import office_setting_change

    office_setting_change(actor=office_user, key="appeals.rate_basic_weight", raw_value="0.5")
    assert rates.satisfaction_rate(*Q3)[dept.pk].value == pytest.approx(2.5 / 4)


def test_drill_down_lists_the_appeals_behind_each_figure(example, dept):
    a = example

    def codes(rate, part):
        return set(rates.rate_records(rate, part, dept.pk, *Q3, now=NOW).values_list("pk", flat=True))

    assert codes("response", "denominator") == {a[n].pk for n in (1, 2, 3, 6, 7)}
    assert codes("response", "numerator") == {a[n].pk for n in (1, 3, 6)}
    assert codes("resolution", "denominator") == {a[n].pk for n in (1, 2, 3)}
    assert codes("resolution", "numerator") == {a[n].pk for n in (1, 2, 3)}  # a3 round 2 solved
    assert codes("satisfaction", "basic") == {a[2].pk}
    assert codes("on_time_reply", "numerator") == {a[n].pk for n in (1, 3, 6)}


def test_department_sees_rates_only_as_allowed(make_user):
    from yingshang.appeals.permissions import can_view_rates

    assert can_view_rates(make_user(r.LEADER)) and not can_view_rates(make_user(r.ENTERPRISE))


def test_queue_filters(walk, liaison, office_user):
    from yingshang.appeals.selectors import appeal_list

    signed = walk("signed")
    walk("dispatched")
    services.extension_request(actor=liaison, appeal=signed, days=2, reason="需现场核查")
    assert list(appeal_list(office_user, {"extension": "1"})) == [signed]
    assert list(appeal_list(liaison, {"state": "signed"})) == [signed]
    assert {a.state for a in appeal_list(liaison, {"state": "open"})} == {"signed", "dispatched"}
