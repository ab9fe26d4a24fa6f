"""Every write of supervision: orders, reminders, instructions, inspections and findings, typical cases."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from yingshang.assessment.official_docx import written_date
from yingshang.audit.events import record as audit_record
from yingshang.core.bulk import insert_rows
from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields
from yingshang.core.events import record_timeline, record_timeline_many
from yingshang.core.office_settings import get_setting
from yingshang.core.official_text import require_official_text
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.workflow import apply_transition
from yingshang.notify.services import Message, notify, notify_many
from yingshang.org import roles as r
from yingshang.org.models import Department, User
from yingshang.workdays.calendar import add_workdays, is_workday, workdays_between

from . import permissions as perm
from . import targets
from .models import (
    CaseAction,
    Finding,
    Inspection,
    Instruction,
    Level,
    OrderSequence,
    Reminder,
    SupervisionOrder,
    TypicalCase,
)
from .workflow import CASE, FINDING, INSTRUCTION, ORDER

logger = logging.getLogger("yingshang.supervision")

PHOTO_TYPES = {".jpg", ".jpeg", ".png"}
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".ofd"}


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc


def _active_department(department: Department | None, what: str) -> Department:
    if department is None:
        raise ValidationFailed(f"请选择{what}。", fields={"department": [f"请选择{what}。"]})
    department = Department.objects.get(pk=department.pk)
    if not department.is_active:
        raise ValidationFailed(
            f"{what}“{department.name}”已撤销或停用，请另选单位。", fields={"department": ["该单位已停用。"]}
        )
    return department


def department_people(department_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
    """{department id: {"liaison": [user ids], "head": [user ids]}} of active accounts, in one query."""
    liaison_bit = r.ROLE_BITS[r.LIAISON]
    head_bit = r.ROLE_BITS[r.DEPT_HEAD]
    out: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"liaison": [], "head": []})
    rows = (
        User.objects.filter(department_id__in=set(department_ids), is_active=True)
        .annotate(liaison=F("roles").bitand(liaison_bit), head=F("roles").bitand(head_bit))
        .filter(models.Q(liaison__gt=0) | models.Q(head__gt=0))
        .values_list("pk", "department_id", "liaison", "head")
    )
    for pk, dept, liaison, head in rows:
        if liaison:
            out[dept]["liaison"].append(pk)
        if head:
            out[dept]["head"].append(pk)
    return out


def _handlers(department_id: int | None, *, heads: bool = False) -> list[int]:
    if department_id is None:
        return []
    people = department_people([department_id]).get(department_id, {"liaison": [], "head": []})
    ids = list(people["liaison"] or people["head"])
    if heads:
        ids += [h for h in people["head"] if h not in ids]
    return ids


def _official_reply(data: dict[str, Any], what: str) -> str:
    minimum = int(get_setting("supervision_reply_min_chars"))
    return require_official_text(str(data.get("reply", "")), minimum=minimum, field="reply", what=what)


def _target_of(obj: models.Model) -> targets.TargetType:
    target = targets.target_for_model(obj)
    if target is None:
        raise ValidationFailed("该类事项不能督办。")
    return target


# --- supervision orders ---------------------------------------------------------------------------------


def _next_order_seq(year: int) -> int:
    """The next number of `year`, safe under concurrency: the UPDATE holds the row lock until commit
    (PostgreSQL), and SQLite runs write transactions one at a time; the unique (year, seq) is the backstop."""
    OrderSequence.objects.get_or_create(year=year)
    OrderSequence.objects.filter(year=year).update(last=F("last") + 1)
    return OrderSequence.objects.values_list("last", flat=True).get(year=year)


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
    if not perm.can_issue_order(actor):
        raise PermissionRefused("只有营商办可以下发督办单。")
    kind = _target_of(target)
    if not kind.orderable:
        raise ValidationFailed(f"{kind.label}不能作为督办事项。")
    if kind.is_closed(target):
        raise ValidationFailed(
            f"该{kind.label}已办结或已关闭，不能再下发督办单。", fields={"target": ["事项已办结。"]}
        )
    if department is None:
        dept_id = kind.department_id_of(target)
        department = Department.objects.filter(pk=dept_id).first() if dept_id else None
    department = _active_department(department, "责任单位")
    today = timezone.localdate()
    if reply_deadline is None:
        reply_deadline = add_workdays(today, int(get_setting("supervision_default_reply_workdays")))
    if reply_deadline < today:
        raise ValidationFailed(
            "答复时限不能早于今天。", fields={"reply_deadline": ["答复时限不能早于今天。"]}
        )
    if not (requirement or "").strip():
        raise ValidationFailed("请填写督办要求。", fields={"requirement": ["请填写督办要求。"]})
    year = today.year
    order = SupervisionOrder(
        state="issued",
        year=year,
        seq=0,
        target_type=kind.content_type,
        target_id=target.pk,
        target_label=f"{kind.label}：{kind.title_of(target)}"[:300],
        department=department,
        requirement=requirement.strip(),
        reply_deadline=reply_deadline,
        level=level,
        issued_by=actor,
        previous=previous,
    )
    _clean(order, exclude=["seq"])
    order.seq = _next_order_seq(year)
    order.save()
    record_timeline(
        order, actor=actor, action="issue", label="下发督办单", to_state="issued", note=order.requirement
    )
    record_timeline(
        target,
        actor=actor,
        action="supervision_order",
        label=f"下发{order.get_level_display()}督办单 {order.number}",
        note=f"答复时限：{reply_deadline:%Y-%m-%d}。{order.requirement}",
        data={"order": order.pk},
    )
    audit_record(
        actor=actor,
        action="supervision_order.issue",
        obj=order,
        after={
            "number": order.number,
            "target": f"{kind.model_label}:{target.pk}",
            "department": department.pk,
            "reply_deadline": reply_deadline.isoformat(),
            "level": level,
        },
    )
    notify(
        recipients=_handlers(department.pk, heads=level != Level.NORMAL),
        kind="supervision_order",
        title=f"督办通知：{order.number}（{order.get_level_display()}）",
        body=f"{order.target_label}\n督办要求：{order.requirement}\n请于{written_date(reply_deadline)}前答复。",
        link=targets.safe_reverse("supervision:order_detail", order.pk),
        item=order,
    )
    return order


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
        raise ValidationFailed("只有答复督办单时可以附上材料。", fields={"files": ["此操作不接收附件。"]})
    for uploaded in files:
        check_upload(uploaded, allowed=EVIDENCE_TYPES)
    now = timezone.now()
    changes: dict[str, Any] = {}
    note = ""
    if action == "sign":
        changes = {"signed_at": now}
    elif action == "answer":
        changes = {"reply": _official_reply(data, "答复内容"), "answered_at": now}
        note = changes["reply"]
    elif action == "conclude":
        changes = {"conclusion": str(data.get("note", "")).strip(), "concluded_at": now}
        note = changes["conclusion"]
    elif action == "reissue":
        note = str(data.get("reason", "")).strip()
        deadline = data.get("reply_deadline")
        if isinstance(deadline, str) and deadline:
            try:
                data["reply_deadline"] = dt.date.fromisoformat(deadline)
            except ValueError as exc:
                raise ValidationFailed(
                    "新的答复时限格式不正确。", fields={"reply_deadline": ["日期无效。"]}
                ) from exc
    apply_transition(
        order,
        workflow=ORDER,
        user=actor,
        action=action,
        data=data,
        predicates=perm.PREDICATES,
        seen_version=seen_version,
        changes=changes,
        note=note,
    )
    for uploaded in files:
        attachment_add(actor=actor, obj=order, uploaded=uploaded, purpose="reply", allowed=EVIDENCE_TYPES)
    found = targets.load(order.target_type_id, order.target_id)
    if found and action in {"answer", "conclude"}:
        record_timeline(
            found[1],
            actor=actor,
            action=f"supervision_order_{action}",
            label=f"督办单 {order.number}{'已答复' if action == 'answer' else '已办结'}",
            note=note,
            data={"order": order.pk},
        )
    link = targets.safe_reverse("supervision:order_detail", order.pk)
    if action in {"sign", "answer"}:
        notify(
            recipients=[order.issued_by_id],
            kind="supervision_order",
            title=f"{order.department.display_name}已{'签收' if action == 'sign' else '答复'}督办单 {order.number}",
            body=note,
            link=link,
            item=order,
        )
    elif action == "conclude":
        notify(
            recipients=_handlers(order.department_id),
            kind="supervision_order",
            title=f"督办单 {order.number} 已办结",
            body=note,
            link=link,
            item=order,
        )
    elif action == "reissue":
        if found is None:
            raise ValidationFailed("原督办事项已不存在，不能重新督办。")
        order_issue(
            actor=actor,
            target=found[1],
            requirement=f"{order.requirement}\n（重新督办：{note}）",
            reply_deadline=data["reply_deadline"],
            level=order.level,
            department=order.department,
            previous=order,
        )
    return order


# --- leader instructions --------------------------------------------------------------------------------


@transaction.atomic
def instruction_create(
    *,
    actor: Any,
    department: Department | None,
    content: str,
    deadline: dt.date | None,
    target: models.Model | None = None,
) -> Instruction:
    if not perm.can_write_instruction(actor):
        raise PermissionRefused("只有市领导（或营商办代为录入）可以作出批示。")
    department = _active_department(department, "承办单位")
    if not (content or "").strip():
        raise ValidationFailed("请填写批示内容。", fields={"content": ["请填写批示内容。"]})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationFailed("请填写不早于今天的办理时限。", fields={"deadline": ["办理时限无效。"]})
    kind = _target_of(target) if target is not None else None
    instruction = Instruction(
        state="assigned",
        leader=actor,
        content=content.strip(),
        department=department,
        deadline=deadline,
        target_type=kind.content_type if kind else None,
        target_id=target.pk if target is not None else None,
        target_label=f"{kind.label}：{kind.title_of(target)}"[:300] if kind and target is not None else "",
    )
    _clean(instruction)
    instruction.save()
    record_timeline(
        instruction,
        actor=actor,
        action="create",
        label="领导批示",
        to_state="assigned",
        note=instruction.content,
    )
    if target is not None:
        record_timeline(
            target,
            actor=actor,
            action="instruction",
            label=f"{actor}批示，交{department.display_name}办理",
            note=instruction.content,
            data={"instruction": instruction.pk},
        )
    audit_record(
        actor=actor,
        action="instruction.create",
        obj=instruction,
        after={
            "department": department.pk,
            "deadline": deadline.isoformat(),
            "target": instruction.target_label,
        },
    )
    notify(
        recipients=_handlers(department.pk, heads=True),
        kind="instruction",
        title=f"领导批示：请于{deadline:%m月%d日}前办理",
        body=instruction.content,
        link=targets.safe_reverse("supervision:instruction_detail", instruction.pk),
        item=instruction,
    )
    return instruction


@transaction.atomic
def instruction_transition(
    *,
    actor: Any,
    instruction: Instruction,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> Instruction:
    data = dict(data or {})
    now = timezone.now()
    changes: dict[str, Any] = {}
    note = str(data.get("reason") or data.get("note") or "").strip()
    if action == "reply":
        changes = {"reply": _official_reply(data, "办理情况"), "replied_at": now}
        note = changes["reply"]
    elif action == "conclude":
        changes = {"concluded_at": now}
    apply_transition(
        instruction,
        workflow=INSTRUCTION,
        user=actor,
        action=action,
        data=data,
        predicates=perm.PREDICATES,
        seen_version=seen_version,
        changes=changes,
        note=note,
    )
    link = targets.safe_reverse("supervision:instruction_detail", instruction.pk)
    if action == "reply":
        found = (
            targets.load(instruction.target_type_id, instruction.target_id)
            if instruction.target_type_id and instruction.target_id
            else None
        )
        if found:
            record_timeline(
                found[1],
                actor=actor,
                action="instruction_reply",
                label=f"{instruction.department.display_name}回复领导批示办理情况",
                note=note,
            )
        notify(
            recipients=[instruction.leader_id],
            kind="instruction",
            title=f"{instruction.department.display_name}已回复批示办理情况",
            body=note,
            link=link,
            item=instruction,
        )
    else:
        notify(
            recipients=_handlers(instruction.department_id),
            kind="instruction",
            title="领导批示已办结" if action == "conclude" else "领导批示办理情况被退回，请重办",
            body=note,
            link=link,
            item=instruction,
        )
    return instruction


# --- inspections and findings ---------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    date: dt.date,
    place: str,
    team: str,
    mode: str,
    summary: str,
    photos: Sequence[Any] = (),
) -> Inspection:
    if not perm.can_record_inspection(actor):
        raise PermissionRefused("只有督查人员可以登记明察暗访。")
    if date is None or date > timezone.localdate():
        raise ValidationFailed("检查日期不能晚于今天。", fields={"date": ["检查日期无效。"]})
    inspection = Inspection(
        date=date,
        place=(place or "").strip(),
        team=(team or "").strip(),
        mode=mode,
        summary=(summary or "").strip(),
        created_by=actor,
    )
    _clean(inspection)
    inspection.save()
    for photo in photos:
        attachment_add(actor=actor, obj=inspection, uploaded=photo, purpose="photo", allowed=PHOTO_TYPES)
    record_timeline(
        inspection,
        actor=actor,
        action="create",
        label=f"登记{inspection.get_mode_display()}",
        note=inspection.summary,
    )
    audit_record(
        actor=actor,
        action="inspection.create",
        obj=inspection,
        after={"date": date.isoformat(), "place": inspection.place, "mode": mode, "photos": len(photos)},
    )
    return inspection


@transaction.atomic
def inspection_add_photos(*, actor: Any, inspection: Inspection, photos: Sequence[Any]) -> None:
    if not perm.can_record_inspection(actor):
        raise PermissionRefused("只有督查人员可以上传检查照片。")
    for photo in photos:
        attachment_add(actor=actor, obj=inspection, uploaded=photo, purpose="photo", allowed=PHOTO_TYPES)


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    inspection: Inspection,
    description: str,
    department: Department | None,
    rectification_deadline: dt.date | None,
) -> Finding:
    if not perm.can_record_inspection(actor):
        raise PermissionRefused("只有督查人员可以登记问题。")
    department = _active_department(department, "责任单位")
    if rectification_deadline is None or rectification_deadline < timezone.localdate():
        raise ValidationFailed(
            "请填写不早于今天的整改时限。", fields={"rectification_deadline": ["整改时限无效。"]}
        )
    finding = Finding(
        state="assigned",
        inspection=inspection,
        description=(description or "").strip(),
        department=department,
        rectification_deadline=rectification_deadline,
    )
    _clean(finding)
    finding.save()
    record_timeline(
        finding, actor=actor, action="create", label="交办问题", to_state="assigned", note=finding.description
    )
    audit_record(
        actor=actor,
        action="finding.create",
        obj=finding,
        after={
            "inspection": inspection.pk,
            "department": department.pk,
            "deadline": rectification_deadline.isoformat(),
        },
    )
    notify(
        recipients=_handlers(department.pk, heads=True),
        kind="finding",
        title=f"明察暗访发现问题，请于{rectification_deadline:%m月%d日}前整改",
        body=finding.description,
        link=targets.safe_reverse("supervision:finding_detail", finding.pk),
        item=finding,
    )
    return finding


@transaction.atomic
def finding_transition(
    *,
    actor: Any,
    finding: Finding,
    action: str,
    data: dict[str, Any] | None = None,
    evidence: Sequence[Any] = (),
    seen_version: int | None = None,
) -> Finding:
    data = dict(data or {})
    now = timezone.now()
    changes: dict[str, Any] = {}
    note = str(data.get("reason") or data.get("note") or "").strip()
    if action == "report":
        changes = {"report": str(data.get("report", "")).strip(), "reported_at": now}
        note = changes["report"]
    elif action == "verify":
        changes = {"verify_note": note, "verified_at": now}
    elif action == "return":
        changes = {"verify_note": note}
    elif action == "close":
        changes = {"closed_at": now}
    apply_transition(
        finding,
        workflow=FINDING,
        user=actor,
        action=action,
        data=data,
        predicates=perm.PREDICATES,
        seen_version=seen_version,
        changes=changes,
        note=note,
    )
    if action == "report":
        # Every report carries its own evidence: after a return, the evidence the inspector refused is not
        # proof of the new rectification.
        if not evidence:
            raise ValidationFailed(
                "报告整改情况须附本次整改的佐证材料。", fields={"evidence": ["请上传佐证材料。"]}
            )
        for uploaded in evidence:
            attachment_add(
                actor=actor, obj=finding, uploaded=uploaded, purpose="evidence", allowed=EVIDENCE_TYPES
            )
    link = targets.safe_reverse("supervision:finding_detail", finding.pk)
    if action == "report":
        inspectors = User.objects.filter(pk=finding.inspection.created_by_id).values_list("pk", flat=True)
        notify(
            recipients=list(inspectors),
            kind="finding",
            title=f"{finding.department.display_name}已报告整改情况，请复核",
            body=note,
            link=link,
            item=finding,
        )
    elif action in {"return", "verify"}:
        notify(
            recipients=_handlers(finding.department_id),
            kind="finding",
            title="整改情况复核通过" if action == "verify" else "整改情况未通过复核，请继续整改",
            body=note,
            link=link,
            item=finding,
        )
    return finding


# --- typical cases -------------------------------------------------------------------------------------


def _people_json(people: Sequence[dict[str, str]]) -> str:
    cleaned = [
        {"name": str(p.get("name", "")).strip(), "position": str(p.get("position", "")).strip()}
        for p in people
        if str(p.get("name", "")).strip()
    ]
    return json.dumps(cleaned, ensure_ascii=False) if cleaned else ""


def case_people(case: TypicalCase) -> list[dict[str, str]]:
    try:
        return list(json.loads(case.people)) if case.people else []
    except ValueError:
        return []


@transaction.atomic
def case_create(
    *,
    actor: Any,
    title: str,
    facts: str,
    departments: Sequence[Department],
    people: Sequence[dict[str, str]],
    action: str,
    case_date: dt.date,
    action_detail: str = "",
    names_printable: bool = False,
) -> TypicalCase:
    if not perm.can_record_case(actor):
        raise PermissionRefused("只有纪检监察人员可以登记典型案例。")
    if not departments:
        raise ValidationFailed("请选择涉及单位。", fields={"departments": ["请选择涉及单位。"]})
    if case_date is None or case_date > timezone.localdate():
        raise ValidationFailed("处理日期不能晚于今天。", fields={"case_date": ["处理日期无效。"]})
    if action not in CaseAction.values:
        raise ValidationFailed("请选择处理方式。", fields={"action": ["请选择处理方式。"]})
    case = TypicalCase(
        state="recorded",
        title=(title or "").strip(),
        facts=(facts or "").strip(),
        people=_people_json(people),
        action=action,
        action_detail=(action_detail or "").strip(),
        case_date=case_date,
        names_printable=names_printable,
        created_by=actor,
    )
    _clean(case)
    case.save()
    case.departments.set(departments)
    record_timeline(case, actor=actor, action="create", label="登记典型案例", to_state="recorded")
    audit_record(
        actor=actor,
        action="typical_case.create",
        obj=case,
        # names are not copied into the audit log
        after={
            "title": case.title,
            "departments": sorted(d.pk for d in departments),
            "people": len(case_people(case)),
            "action": action,
            "names_printable": names_printable,
        },
    )
    return case


@transaction.atomic
def case_set_names_printable(*, actor: Any, case: TypicalCase, printable: bool) -> TypicalCase:
    if not perm.can_record_case(actor):
        raise PermissionRefused("只有纪检监察人员可以调整是否点名。")
    before = case.names_printable
    case.names_printable = printable
    case.save(update_fields=["names_printable"])
    audit_record(
        actor=actor,
        action="typical_case.names_printable",
        obj=case,
        before={"names_printable": before},
        after={"names_printable": printable},
    )
    record_timeline(
        case, actor=actor, action="names_printable", label="通报时可点名" if printable else "通报时不点名"
    )
    return case


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: TypicalCase,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> TypicalCase:
    data = dict(data or {})
    changes: dict[str, Any] = {}
    if action == "publish":
        changes = {"published_at": timezone.now()}
    elif action == "unpublish":
        changes = {"published_at": None}
    apply_transition(
        case,
        workflow=CASE,
        user=actor,
        action=action,
        data=data,
        seen_version=seen_version,
        changes=changes,
        note=str(data.get("reason", "")).strip(),
    )
    if action == "unpublish":
        case.published_at = None
    return case


# --- reminders -----------------------------------------------------------------------------------------


@transaction.atomic
def reminder_send(*, actor: Any, item: models.Model, message: str) -> Reminder:
    """A reminder by hand (the office), with its message, on any supervised item."""
    if not perm.can_remind(actor):
        raise PermissionRefused("只有营商办可以催办。")
    kind = _target_of(item)
    if kind.is_closed(item):
        raise ValidationFailed(f"该{kind.label}已办结，无需催办。")
    if not (message or "").strip():
        raise ValidationFailed("请填写催办内容。", fields={"message": ["请填写催办内容。"]})
    ct = kind.content_type
    dept_id = kind.department_id_of(item)
    prior = Reminder.objects.filter(content_type=ct, object_id=item.pk).count()
    escalate = prior + 1 > int(get_setting("supervision_escalate_after"))
    recipients = _handlers(dept_id, heads=escalate)
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
