"""Reminders on the working-day calendar across the 2026 National Day break (10-01..10-07 off; 9-20, a
Sunday, and 10-10, a Saturday, worked). Defaults: 3 working days before, on the day, every 2 working days
overdue, escalation after 3 reminders."""

import datetime as dt

import pytest

from yingshang.core.models import TimelineEntry
from yingshang.core.office_settings import office_setting_change
from yingshang.notify.models import Notification
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import Reminder
from yingshang.supervision.services import reminders as reminder_services

pytestmark = pytest.mark.django_db

D = dt.date


def scan(day):
    return services.reminder_scan(today=day, types=["supervision.instruction"])


def kinds(item):
    return [
        (x.kind, x.slot, x.sequence, x.escalated)
        for x in Reminder.objects.filter(object_id=item.pk).order_by("id")
    ]


def test_owed_reminder_dates_across_national_day():
    owed = services.owed_reminder
    # Deadline Fri 10-09: the 3rd working day before it is 9-29 (the holiday does not count).
    assert owed(D(2026, 10, 9), D(2026, 9, 28), before=3, every=2) is None
    assert owed(D(2026, 10, 9), D(2026, 9, 29), before=3, every=2) == ("before", D(2026, 9, 29), 0)
    assert owed(D(2026, 10, 9), D(2026, 10, 8), before=3, every=2) == ("before", D(2026, 9, 29), 0)
    assert owed(D(2026, 10, 9), D(2026, 10, 9), before=3, every=2) == ("due", D(2026, 10, 9), 0)
    # Sat 10-10 is a working day: one working day overdue, the first overdue reminder is on the 2nd (Mon 10-12).
    assert owed(D(2026, 10, 9), D(2026, 10, 10), before=3, every=2) == ("due", D(2026, 10, 9), 1)
    assert owed(D(2026, 10, 9), D(2026, 10, 12), before=3, every=2) == ("overdue", D(2026, 10, 12), 2)
    assert owed(D(2026, 10, 9), D(2026, 10, 13), before=3, every=2) == ("overdue", D(2026, 10, 12), 3)
    assert owed(D(2026, 10, 9), D(2026, 10, 14), before=3, every=2) == ("overdue", D(2026, 10, 14), 4)
    # Deadline Wed 9-30, just before the break: overdue working days restart counting on 10-08.
    assert owed(D(2026, 9, 30), D(2026, 10, 8), before=3, every=2) == ("due", D(2026, 9, 30), 1)
    assert owed(D(2026, 9, 30), D(2026, 10, 9), before=3, every=2) == ("overdue", D(2026, 10, 9), 2)
    assert owed(D(2026, 9, 30), D(2026, 10, 10), before=3, every=2) == ("overdue", D(2026, 10, 9), 3)
    # A deadline inside the holiday (10-03): "on the day" is the last working day before it.
    assert owed(D(2026, 10, 3), D(2026, 9, 28), before=3, every=2) == ("before", D(2026, 9, 28), 0)
    assert owed(D(2026, 10, 3), D(2026, 9, 30), before=3, every=2) == ("due", D(2026, 9, 30), 0)
    assert owed(D(2026, 10, 3), D(2026, 10, 9), before=3, every=2) == ("overdue", D(2026, 10, 9), 2)
    # Sunday 9-20 is worked: 3 working days before Wed 9-23 is that Sunday.
    assert owed(D(2026, 9, 23), D(2026, 9, 20), before=3, every=2) == ("before", D(2026, 9, 20), 0)
    assert owed(D(2026, 9, 23), D(2026, 9, 18), before=3, every=2) is None


def test_reminders_and_escalation_day_by_day_through_the_break(make_instruction, people):
    item = make_instruction(D(2026, 10, 9))
    sent = {}
    day = D(2026, 9, 25)
    while day <= D(2026, 10, 16):
        sent[day] = scan(day)["sent"]
        day += dt.timedelta(days=1)
    assert {d: n for d, n in sent.items() if n} == {
        D(2026, 9, 29): 1,
        D(2026, 10, 9): 1,
        D(2026, 10, 12): 1,
        D(2026, 10, 14): 1,
        D(2026, 10, 16): 1,
    }
    assert kinds(item) == [
        ("before", D(2026, 9, 29), 1, False),
        ("due", D(2026, 10, 9), 2, False),
        ("overdue", D(2026, 10, 12), 3, False),
        ("overdue", D(2026, 10, 14), 4, True),
        ("overdue", D(2026, 10, 16), 5, True),
    ]
    liaison, head = people[r.LIAISON], people[r.DEPT_HEAD]
    # Escalated reminders reach the department head too (with their own kind), earlier ones only the liaison.
    titles = list(
        Notification.objects.filter(recipient=head, kind="escalation").values_list("title", flat=True)
    )
    assert len(titles) == 2 and all(t.startswith("【升级】逾期催办") for t in titles)
    assert Notification.objects.filter(recipient=liaison, kind="reminder").count() == 5
    assert Notification.objects.filter(recipient=head, kind="reminder").count() == 0
    timeline = list(
        TimelineEntry.objects.filter(object_id=item.pk, action="reminder").values_list("label", flat=True)
    )
    assert timeline == [
        "自动催办：到期前提醒（第1次）",
        "自动催办：到期当日提醒（第2次）",
        "自动催办：逾期催办（第3次）",
        "自动催办：逾期催办（第4次），已升级至部门负责人",
        "自动催办：逾期催办（第5次），已升级至部门负责人",
    ]


def test_nothing_is_sent_on_holidays_even_when_owed(make_instruction):
    make_instruction(D(2026, 9, 30))
    for day in range(1, 8):
        assert scan(D(2026, 10, day))["sent"] == 0
    # Missed the due-day scan (9-30): the first working day after the break sends it, once.
    assert scan(D(2026, 10, 8))["sent"] == 1
    assert scan(D(2026, 10, 8))["sent"] == 0
    assert list(Reminder.objects.values_list("kind", "slot")) == [("due", D(2026, 9, 30))]


def test_settings_change_the_schedule(make_instruction):
    office_setting_change(actor=None, key="supervision_remind_before_workdays", raw_value="0")
    office_setting_change(actor=None, key="supervision_remind_overdue_every_workdays", raw_value="1")
    office_setting_change(actor=None, key="supervision_escalate_after", raw_value="1")
    item = make_instruction(D(2026, 10, 9))
    for day in (D(2026, 9, 29), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12)):
        scan(day)
    assert kinds(item) == [
        ("due", D(2026, 10, 9), 1, False),
        ("overdue", D(2026, 10, 10), 2, True),
        ("overdue", D(2026, 10, 12), 3, True),
    ]


def test_scan_twice_sends_once(make_instruction, people):
    items = [make_instruction(D(2026, 10, 9)) for _ in range(3)]
    first = scan(D(2026, 10, 9))
    second = scan(D(2026, 10, 9))
    assert (first["sent"], first["already"]) == (3, 0)
    assert (second["sent"], second["already"]) == (0, 3)
    assert Reminder.objects.count() == 3
    assert Notification.objects.filter(kind="reminder", recipient=people[r.LIAISON]).count() == 3
    assert TimelineEntry.objects.filter(action="reminder").count() == 3
    assert {x.object_id for x in Reminder.objects.all()} == {i.pk for i in items}


def test_crashed_scan_sends_exactly_what_is_still_owed(make_instruction, people, monkeypatch):
    items = [make_instruction(D(2026, 10, 9)) for _ in range(5)]
    real = reminder_services.notify_many
    calls = {"n": 0}

    def flaky(messages, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("mail queue down")
        return real(messages, **kwargs)

    monkeypatch.setattr(reminder_services, "notify_many", flaky)
    with pytest.raises(RuntimeError):
        services.reminder_scan(today=D(2026, 10, 9), chunk_size=2, types=["supervision.instruction"])
    # The first chunk went out whole; the crashed chunk left no claim, notice or timeline entry behind.
    assert Reminder.objects.count() == 2
    assert Notification.objects.filter(kind="reminder").count() == 2
    assert TimelineEntry.objects.filter(action="reminder").count() == 2
    monkeypatch.setattr(reminder_services, "notify_many", real)
    again = services.reminder_scan(today=D(2026, 10, 9), chunk_size=2, types=["supervision.instruction"])
    assert (again["sent"], again["already"]) == (3, 2)
    assert sorted(Reminder.objects.values_list("object_id", flat=True)) == sorted(i.pk for i in items)
    assert Notification.objects.filter(kind="reminder").count() == 5
    assert TimelineEntry.objects.filter(action="reminder").count() == 5


def test_concurrent_claim_is_skipped_not_duplicated(make_instruction, monkeypatch):
    """Another scan claimed one item between our read and our write: the batch falls back to one by one."""
    a, b = make_instruction(D(2026, 10, 9)), make_instruction(D(2026, 10, 9))
    real_filter = Reminder.objects.filter

    def stale_filter(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        if "object_id__in" in kwargs:
            from django.contrib.contenttypes.models import ContentType

            Reminder.objects.create(
                content_type=ContentType.objects.get_for_model(a),
                object_id=a.pk,
                kind="due",
                slot=D(2026, 10, 9),
            )
            monkeypatch.setattr(Reminder.objects, "filter", real_filter)
            return qs.none()
        return qs

    monkeypatch.setattr(Reminder.objects, "filter", stale_filter)
    stats = scan(D(2026, 10, 9))
    assert stats["sent"] == 1 and stats["already"] == 1
    assert Reminder.objects.filter(object_id=b.pk).count() == 1
    assert Reminder.objects.filter(object_id=a.pk).count() == 1


def test_closed_items_are_not_read_nor_reminded(make_instruction, people):
    item = make_instruction(D(2026, 10, 9))
    services.instruction_transition(
        actor=people[r.LIAISON],
        instruction=item,
        action="reply",
        data={"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    assert scan(D(2026, 10, 9)) == {"examined": 0, "sent": 0, "already": 0, "escalated": 0}


def test_manual_reminder_with_message_on_timeline(make_instruction, people):
    item = make_instruction(D(2026, 10, 9))
    reminder = services.reminder_send(actor=people[r.OFFICE], item=item, message="请今天下班前报送进展")
    assert (reminder.kind, reminder.sequence, reminder.recipients) == ("manual", 1, 1)
    entry = TimelineEntry.objects.get(object_id=item.pk, action="reminder")
    assert (entry.label, entry.note, entry.actor_id) == (
        "人工催办（第1次）",
        "请今天下班前报送进展",
        people[r.OFFICE].pk,
    )
    assert (
        Notification.objects.get(recipient=people[r.LIAISON], kind="reminder").body == "请今天下班前报送进展"
    )
    # Manual reminders count towards escalation, and the same day allows more than one.
    services.reminder_send(actor=people[r.OFFICE], item=item, message="再次催办")
    services.reminder_send(actor=people[r.OFFICE], item=item, message="第三次")
    fourth = services.reminder_send(actor=people[r.OFFICE], item=item, message="第四次")
    assert fourth.escalated and fourth.recipients == 2


def test_manual_reminder_refused_for_others_and_closed_items(make_instruction, people):
    from yingshang.core.errors import PermissionRefused, ValidationFailed

    item = make_instruction(D(2026, 10, 9))
    for role in (r.LIAISON, r.INSPECTOR, r.LEADER):
        with pytest.raises(PermissionRefused):
            services.reminder_send(actor=people[role], item=item, message="x")
    with pytest.raises(ValidationFailed):
        services.reminder_send(actor=people[r.OFFICE], item=item, message="  ")
    services.instruction_transition(
        actor=people[r.LIAISON],
        instruction=item,
        action="reply",
        data={"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    services.instruction_transition(actor=people[r.LEADER], instruction=item, action="conclude", data={})
    with pytest.raises(ValidationFailed):
        services.reminder_send(actor=people[r.OFFICE], item=item, message="x")
    assert Reminder.objects.count() == 0


def test_department_without_liaison_reminds_its_head(make_department, make_user, make_instruction):
    other = make_department()
    head = make_user(r.DEPT_HEAD, department=other)
    make_instruction(D(2026, 10, 9), department=other)
    scan(D(2026, 10, 9))
    assert Notification.objects.filter(recipient=head, kind="reminder").count() == 1
