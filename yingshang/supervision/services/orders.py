"""Supervision orders (督办单): issued on an item, signed, answered, concluded or reissued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from yingshang.assessment.official_docx import written_date
from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.org.models import Department
from yingshang.workdays.calendar import add_workdays

from .. import permissions as perm
from ..documents import order_notice
from ..models import Level, OrderSequence, SupervisionOrder
from ..workflow import ORDER
from .common import (
    EVIDENCE_TYPES,
    active_department,
    clean,
    handlers,
    official_reply,
    require,
    save_new,
    step,
    target_label,
    target_loaded,
    target_of,
    tell,
)

URL = "supervision:order_detail"


def _next_order_seq(year: int) -> int:
    """The next number of `year`, safe under concurrency: the UPDATE holds the row lock until commit
    (PostgreSQL), and SQLite runs write transactions one at a time; the unique (year, seq) is the backstop."""
    OrderSequence.objects.get_or_create(year=year)
    OrderSequence.objects.filter(year=year).update(last=F("last") + 1)
    return OrderSequence.objects.values_list("last", flat=True).get(year=year)


def _reply_deadline(value: dt.date | None, today: dt.date) -> dt.date:
    if value is None:
        return add_workdays(today, int(get_setting("supervision_default_reply_workdays")))
    if value < today:
        raise ValidationFailed(
            "答复时限不能早于今天。",
            code="supervision.reply_deadline_invalid",
            fields={"reply_deadline": ["答复时限不能早于今天。"]},
        )
    return value


@transaction.atomic
def order_issue(
    *,
    actor: Any,
    target: models.Model,
    requirement: str,
    reply_deadline: dt.date | None = None,
    level: str = Level.NORMAL,
    department: Department | None = None,
    previous: SupervisionOrder | None = None,
) -> SupervisionOrder:
    require(perm.can_issue_order(actor), "只有营商办可以下发督办单。", "supervision.office_only")
    kind = target_of(target)
    if not kind.orderable:
        raise ValidationFailed(f"{kind.label}不能作为督办事项。", code="supervision.target_not_orderable")
    if kind.is_closed(target):
        raise ValidationFailed(
            f"该{kind.label}已办结或已关闭，不能再下发督办单。",
            code="supervision.target_closed",
            fields={"target": ["事项已办结。"]},
        )
    if department is None:
        dept_id = kind.department_id_of(target)
        department = Department.objects.filter(pk=dept_id).first() if dept_id else None
    department = active_department(department, "责任单位")
    today = timezone.localdate()
    reply_deadline = _reply_deadline(reply_deadline, today)
    if not (requirement or "").strip():
        raise ValidationFailed(
            "请填写督办要求。",
            code="supervision.requirement_missing",
            fields={"requirement": ["请填写督办要求。"]},
        )
    order = SupervisionOrder(
        state=SupervisionOrder.State.ISSUED,
        year=today.year,
        seq=0,
        target_type=kind.content_type,
        target_id=target.pk,
        target_label=target_label(kind, target),
        department=department,
        requirement=requirement.strip(),
        reply_deadline=reply_deadline,
        level=level,
        issued_by=actor,
        previous=previous,
    )
    clean(order, exclude=["seq"])
    order.seq = _next_order_seq(today.year)
    save_new(
        order,
        actor=actor,
        action="issue",
        label="下发督办单",
        note=order.requirement,
        audit_action="supervision_order.issue",
        after={
            "number": order.number,
            "target": f"{kind.model_label}:{target.pk}",
            "department": department.pk,
            "reply_deadline": reply_deadline.isoformat(),
            "level": level,
        },
    )
    record_timeline(
        target,
        actor=actor,
        action="supervision_order",
        label=f"下发{order.get_level_display()}督办单 {order.number}",
        note=f"答复时限：{reply_deadline:%Y-%m-%d}。{order.requirement}",
        data={"order": order.pk},
    )
    tell(
        order,
        recipients=handlers(department.pk, heads=level != Level.NORMAL),
        kind="supervision_order",
        title=f"督办通知：{order.number}（{order.get_level_display()}）",
        body=f"{order.target_label}\n督办要求：{order.requirement}\n请于{written_date(reply_deadline)}前答复。",
        url_name=URL,
    )
    return order


def _order_changes(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The fields `action` sets besides the state, and the note of its timeline entry. A reissue's new
    deadline is parsed into `data` here."""
    now = timezone.now()
    if action == "sign":
        return {"signed_at": now}, ""
    if action == "answer":
        reply = official_reply(data, "答复内容")
        return {"reply": reply, "answered_at": now}, reply
    if action == "conclude":
        conclusion = str(data.get("note", "")).strip()
        return {"conclusion": conclusion, "concluded_at": now}, conclusion
    if action == "reissue":
        deadline = data.get("reply_deadline")
        if isinstance(deadline, str) and deadline:
            try:
                data["reply_deadline"] = dt.date.fromisoformat(deadline)
            except ValueError as exc:
                raise ValidationFailed(
                    "新的答复时限格式不正确。",
                    code="supervision.reply_deadline_invalid",
                    fields={"reply_deadline": ["日期无效。"]},
                ) from exc
        return {}, str(data.get("reason", "")).strip()
    return {}, ""


@transaction.atomic
def order_transition(
    *,
    actor: Any,
    order: SupervisionOrder,
    action: str,
    data: dict[str, Any] | None = None,
    files: Sequence[Any] = (),
    seen_version: int | None = None,
) -> SupervisionOrder:
    """`files` are the written report attached to an answer, checked like every other upload."""
    data = dict(data or {})
    if files and action != "answer":
        raise ValidationFailed(
            "只有答复督办单时可以附上材料。",
            code="supervision.files_not_accepted",
            fields={"files": ["此操作不接收附件。"]},
        )
    for uploaded in files:
        check_upload(uploaded, allowed=EVIDENCE_TYPES)
    note = step(
        order, ORDER, actor=actor, action=action, data=data, seen_version=seen_version, changes=_order_changes
    )
    for uploaded in files:
        attachment_add(actor=actor, obj=order, uploaded=uploaded, purpose="reply", allowed=EVIDENCE_TYPES)
    target = target_loaded(order)
    if target is not None and action in {"answer", "conclude"}:
        record_timeline(
            target,
            actor=actor,
            action=f"supervision_order_{action}",
            label=f"督办单 {order.number}{'已答复' if action == 'answer' else '已办结'}",
            note=note,
            data={"order": order.pk},
        )
    if action in {"sign", "answer"}:
        tell(
            order,
            recipients=[order.issued_by_id],
            kind="supervision_order",
            title=f"{order.department.display_name}已{'签收' if action == 'sign' else '答复'}督办单 {order.number}",
            body=note,
            url_name=URL,
        )
    elif action == "conclude":
        tell(
            order,
            recipients=handlers(order.department_id),
            kind="supervision_order",
            title=f"督办单 {order.number} 已办结",
            body=note,
            url_name=URL,
        )
    elif action == "reissue":
        _reissue(actor=actor, order=order, target=target, note=note, reply_deadline=data["reply_deadline"])
    return order


def _reissue(
    *, actor: Any, order: SupervisionOrder, target: models.Model | None, note: str, reply_deadline: dt.date
) -> None:
    if target is None:
        raise ValidationFailed("原督办事项已不存在，不能重新督办。", code="supervision.target_gone")
    order_issue(
        actor=actor,
        target=target,
        requirement=f"{order.requirement}\n（重新督办：{note}）",
        reply_deadline=reply_deadline,
        level=order.level,
        department=order.department,
        previous=order,
    )


def order_notice_print(*, actor: Any, order: SupervisionOrder) -> bytes:
    """The printable notice (督办通知单) of an order, its printing recorded."""
    content = order_notice(order)
    audit_record(actor=actor, action="supervision_order.print", obj=order)
    return content
