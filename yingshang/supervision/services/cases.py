"""Typical cases (典型案例): recorded by discipline inspection, published (named only where allowed)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.org.models import Department

from .. import permissions as perm
from ..models import CaseAction, TypicalCase
from ..workflow import CASE
from .common import clean, require, save_new, step


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


def _check_case(departments: Sequence[Department], case_date: dt.date | None, action: str) -> None:
    if not departments:
        raise ValidationFailed(
            "请选择涉及单位。",
            code="supervision.case_departments_missing",
            fields={"departments": ["请选择涉及单位。"]},
        )
    if case_date is None or case_date > timezone.localdate():
        raise ValidationFailed(
            "处理日期不能晚于今天。",
            code="supervision.case_date_invalid",
            fields={"case_date": ["处理日期无效。"]},
        )
    if action not in CaseAction.values:
        raise ValidationFailed(
            "请选择处理方式。",
            code="supervision.case_action_missing",
            fields={"action": ["请选择处理方式。"]},
        )


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
    require(perm.can_record_case(actor), "只有纪检监察人员可以登记典型案例。", "supervision.discipline_only")
    _check_case(departments, case_date, action)
    case = TypicalCase(
        state=TypicalCase.State.RECORDED,
        title=(title or "").strip(),
        facts=(facts or "").strip(),
        people=_people_json(people),
        action=action,
        action_detail=(action_detail or "").strip(),
        case_date=case_date,
        names_printable=names_printable,
        created_by=actor,
    )
    clean(case)
    save_new(
        case,
        actor=actor,
        label="登记典型案例",
        audit_action="typical_case.create",
        # names are not copied into the audit log
        after={
            "title": case.title,
            "departments": sorted(d.pk for d in departments),
            "people": len(case_people(case)),
            "action": action,
            "names_printable": names_printable,
        },
    )
    case.departments.set(departments)
    return case


@transaction.atomic
def case_set_names_printable(*, actor: Any, case: TypicalCase, printable: bool) -> TypicalCase:
    require(perm.can_record_case(actor), "只有纪检监察人员可以调整是否点名。", "supervision.discipline_only")
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


def _case_changes(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    note = str(data.get("reason", "")).strip()
    if action == "publish":
        return {"published_at": timezone.now()}, note
    if action == "unpublish":
        return {"published_at": None}, note
    return {}, note


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: TypicalCase,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> TypicalCase:
    step(
        case,
        CASE,
        actor=actor,
        action=action,
        data=dict(data or {}),
        seen_version=seen_version,
        changes=_case_changes,
    )
    return case
