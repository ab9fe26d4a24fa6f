"""Reminders (催办): by hand from the office on any supervised item, and the daily automatic scan that sends
each owed reminder once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from yingshang.assessment.official_docx import written_date
from yingshang.audit.events import record as audit_record
from yingshang.core.bulk import insert_rows
from yingshang.core.errors import ValidationFailed
from yingshang.core.events import record_timeline, record_timeline_many
from yingshang.core.office_settings import get_setting
from yingshang.notify.services import Message, notify, notify_many
from yingshang.workdays.calendar import add_workdays, is_workday, workdays_between

from .. import permissions as perm
from .. import targets
from ..models import Reminder
from .common import department_people, handlers, require, target_of


@transaction.atomic
def reminder_send(*, actor: Any, item: models.Model, message: str) -> Reminder:
    """A reminder by hand (the office), with its message, on any supervised item."""
    require(perm.can_remind(actor), "只有营商办可以催办。", "supervision.office_only")
    kind = target_of(item)
    if kind.is_closed(item):
        raise ValidationFailed(f"该{kind.label}已办结，无需催办。", code="supervision.target_closed")
    if not (message or "").strip():
        raise ValidationFailed(
            "请填写催办内容。", code="supervision.message_missing", fields={"message": ["请填写催办内容。"]}
        )
    ct = kind.content_type
    dept_id = kind.department_id_of(item)
    prior = Reminder.objects.filter(content_type=ct, object_id=item.pk).count()
    escalate = prior + 1 > int(get_setting("supervision_escalate_after"))
    recipients = handlers(dept_id, heads=escalate)
    reminder = Reminder.objects.create(
        content_type=ct,
        object_id=item.pk,
        kind=Reminder.Kind.MANUAL,
        slot=timezone.localdate(),
        deadline=kind.deadline_of(item),
        department_id=dept_id,
        sequence=prior + 1,
        escalated=escalate,
        recipients=len(recipients),
        message=message.strip(),
        created_by=actor,
    )
    record_timeline(
        item,
        actor=actor,
        action="reminder",
        label=f"人工催办（第{prior + 1}次）{'，已升级至部门负责人' if escalate else ''}",
        note=reminder.message,
        data={"reminder": reminder.pk},
    )
    audit_record(
        actor=actor, action="reminder.send", obj=reminder, after={"item": f"{kind.model_label}:{item.pk}"}
    )
    notify(
        recipients=recipients,
        kind="escalation" if escalate else "reminder",
        title=f"催办：{kind.label}“{kind.title_of(item)[:40]}”",
        body=reminder.message,
        link=kind.url_for(item.pk),
        item=item,
    )
    return reminder


def _due_slot(deadline: dt.date) -> dt.date:
    return deadline if is_workday(deadline) else add_workdays(deadline, -1)


def owed_reminder(
    deadline: dt.date, today: dt.date, *, before: int, every: int
) -> tuple[str, dt.date, int] | None:
    """(kind, slot, overdue working days) of the latest automatic reminder due on or before `today`."""
    if today > deadline:
        passed = workdays_between(deadline, today)
        if passed >= every:
            return Reminder.Kind.OVERDUE, add_workdays(deadline, (passed // every) * every), passed
        return Reminder.Kind.DUE, _due_slot(deadline), passed
    if today >= _due_slot(deadline):
        return Reminder.Kind.DUE, _due_slot(deadline), 0
    if before > 0 and today >= add_workdays(deadline, -before):
        return Reminder.Kind.BEFORE, add_workdays(deadline, -before), 0
    return None


def _reminder_text(
    kind: targets.TargetType, title: str, deadline: dt.date, today: dt.date, passed: int, seq: int
) -> tuple[str, str]:
    name = f"{kind.label}“{title[:40]}”"
    if today < deadline:
        left = workdays_between(today, deadline)
        return (
            f"到期提醒：{name}",
            f"{name}将于{written_date(deadline)}到期（还有{left}个工作日），请抓紧办理并按时反馈。",
        )
    if today == deadline or passed == 0:
        return (
            f"今日到期：{name}",
            f"{name}的时限为{written_date(deadline)}，今日到期，请当日办结或说明情况。",
        )
    return (
        f"逾期催办（第{seq}次）：{name}",
        f"{name}已于{written_date(deadline)}到期，已逾期{passed}个工作日，请立即办理并反馈。",
    )


def reminder_scan(
    *, today: dt.date | None = None, chunk_size: int = 500, types: Iterable[str] | None = None
) -> dict[str, int]:
    """Send every automatic reminder owed today, once. Reads only open items whose deadline has come within
    reach (indexed deadline columns), claims each (item, kind, slot) with a unique row in the same transaction
    as its notices and timeline entry, one chunk at a time: a scan that stops half-way leaves exactly the
    unsent ones for the next run, and two scans at once cannot both send one."""
    today = today or timezone.localdate()
    stats = {"examined": 0, "sent": 0, "already": 0, "escalated": 0}
    if not is_workday(today):
        return stats
    before = int(get_setting("supervision_remind_before_workdays"))
    every = int(get_setting("supervision_remind_overdue_every_workdays"))
    escalate_after = int(get_setting("supervision_escalate_after"))
    until = max(add_workdays(today, before), add_workdays(today, 1) - dt.timedelta(days=1))
    owed_cache: dict[dt.date, tuple[str, dt.date, int] | None] = {}
    wanted = set(types) if types is not None else None
    for kind in list(targets.REGISTRY.values()):
        if kind.due_rows is None or (wanted is not None and kind.model_label not in wanted):
            continue
        ct = kind.content_type
        batch: list[tuple[targets.DueRow, tuple[str, dt.date, int]]] = []
        for row in kind.due_rows(until):
            stats["examined"] += 1
            deadline = row[2]
            if deadline not in owed_cache:
                owed_cache[deadline] = owed_reminder(deadline, today, before=before, every=every)
            owed = owed_cache[deadline]
            if owed is None:
                continue
            batch.append((row, owed))
            if len(batch) >= chunk_size:
                _send_batch(kind, ct, batch, today, escalate_after, stats)
                batch = []
        if batch:
            _send_batch(kind, ct, batch, today, escalate_after, stats)
    return stats


def _send_batch(
    kind: targets.TargetType,
    ct: ContentType,
    batch: list[tuple[targets.DueRow, tuple[str, dt.date, int]]],
    today: dt.date,
    escalate_after: int,
    stats: dict[str, int],
) -> None:
    ids = [row[0] for row, _ in batch]
    claimed: set[tuple[int, str, dt.date]] = set()
    counts: dict[int, int] = defaultdict(int)
    for object_id, rkind, slot in Reminder.objects.filter(content_type=ct, object_id__in=ids).values_list(
        "object_id", "kind", "slot"
    ):
        claimed.add((object_id, rkind, slot))
        counts[object_id] += 1
    todo = [(row, owed) for row, owed in batch if (row[0], owed[0], owed[1]) not in claimed]
    stats["already"] += len(batch) - len(todo)
    if not todo:
        return
    people = department_people({row[1] for row, _ in todo if row[1]})
    try:
        with transaction.atomic():
            _write_reminders(kind, ct, todo, counts, people, today, escalate_after, stats)
    except IntegrityError:
        # Another scan claimed some of these in between: go one by one, each claim in its own transaction.
        for one in todo:
            try:
                with transaction.atomic():
                    _write_reminders(kind, ct, [one], counts, people, today, escalate_after, stats)
            except IntegrityError:
                stats["already"] += 1


def _link_maker(kind: targets.TargetType):
    """url_for without a URL reverse per item: item pages differ only by the id."""
    probe = 987654321
    template = kind.url_for(probe)
    if str(probe) in template and template.count(str(probe)) == 1:
        head, tail = template.split(str(probe))
        return lambda pk: f"{head}{pk}{tail}"
    return kind.url_for


def _write_reminders(
    kind: targets.TargetType,
    ct: ContentType,
    todo: list[tuple[targets.DueRow, tuple[str, dt.date, int]]],
    counts: dict[int, int],
    people: dict[int, dict[str, list[int]]],
    today: dt.date,
    escalate_after: int,
    stats: dict[str, int],
) -> None:
    reminders: list[tuple[Any, ...]] = []
    messages: list[Message] = []
    entries: list[dict[str, Any]] = []
    sent = escalated = 0
    link_for = _link_maker(kind)
    at = timezone.now()
    model = kind.model
    for (pk, dept_id, deadline, title), (rkind, slot, passed) in todo:
        seq = counts[pk] + 1
        escalate = seq > escalate_after
        staff = people.get(dept_id or 0, {"liaison": [], "head": []})
        handlers = list(staff["liaison"] or staff["head"])
        heads = [h for h in staff["head"] if h not in handlers] if escalate else []
        subject, body = _reminder_text(kind, title, deadline, today, passed, seq)
        link = link_for(pk)
        reminders.append(
            (
                ct.pk,
                pk,
                rkind,
                slot,
                deadline,
                dept_id,
                seq,
                escalate,
                len(handlers) + len(heads),
                body,
                at,
            )
        )
        ref = f"{kind.model_label}:{pk}"
        if handlers:
            messages.append(
                Message(
                    recipient_ids=handlers, kind="reminder", title=subject, body=body, link=link, item_ref=ref
                )
            )
        if heads:
            messages.append(
                Message(
                    recipient_ids=heads,
                    kind="escalation",
                    title=f"【升级】{subject}",
                    body=f"{body}（已累计催办{seq - 1}次，请部门负责人督促办理。）",
                    link=link,
                    item_ref=ref,
                )
            )
        label = (
            f"自动催办：{Reminder.Kind(rkind).label}（第{seq}次）{'，已升级至部门负责人' if escalate else ''}"
        )
        entries.append(
            {
                "model": model,
                "object_id": pk,
                "action": "reminder",
                "label": label[:200],
                "note": body,
                "data": {"kind": rkind, "slot": slot.isoformat(), "sequence": seq},
            }
        )
        sent += 1
        escalated += int(escalate)
    # The claims first: a concurrent scan's claim makes this raise before anything else is written.
    insert_rows(
        Reminder,
        [
            "content_type_id",
            "object_id",
            "kind",
            "slot",
            "deadline",
            "department_id",
            "sequence",
            "escalated",
            "recipients",
            "message",
            "created_at",
        ],
        reminders,
    )
    notify_many(messages, fast=True)
    record_timeline_many(entries, at=at)
    for (pk, *_), _owed in todo:
        counts[pk] += 1
    stats["sent"] += sent
    stats["escalated"] += escalated
