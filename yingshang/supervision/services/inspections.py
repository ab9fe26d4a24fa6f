"""Inspections (明察暗访) and the problems they find, rectified by the department and verified by the
inspectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.core.errors import ValidationFailed
from yingshang.core.uploads import attachment_add
from yingshang.org.models import Department, User

from .. import permissions as perm
from ..models import Finding, Inspection
from ..workflow import FINDING
from .common import (
    EVIDENCE_TYPES,
    PHOTO_TYPES,
    active_department,
    clean,
    handlers,
    require,
    save_new,
    step,
    tell,
)

URL = "supervision:finding_detail"


def _inspector(actor: Any, what: str) -> None:
    require(perm.can_record_inspection(actor), f"只有督查人员可以{what}。", "supervision.inspector_only")


def _add_photos(actor: Any, inspection: Inspection, photos: Sequence[Any]) -> None:
    for photo in photos:
        attachment_add(actor=actor, obj=inspection, uploaded=photo, purpose="photo", allowed=PHOTO_TYPES)


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
    _inspector(actor, "登记明察暗访")
    if date is None or date > timezone.localdate():
        raise ValidationFailed(
            "检查日期不能晚于今天。",
            code="supervision.inspection_date_invalid",
            fields={"date": ["检查日期无效。"]},
        )
    inspection = Inspection(
        date=date,
        place=(place or "").strip(),
        team=(team or "").strip(),
        mode=mode,
        summary=(summary or "").strip(),
        created_by=actor,
    )
    clean(inspection)
    save_new(
        inspection,
        actor=actor,
        label=f"登记{inspection.get_mode_display()}",
        note=inspection.summary,
        audit_action="inspection.create",
        after={"date": date.isoformat(), "place": inspection.place, "mode": mode, "photos": len(photos)},
    )
    _add_photos(actor, inspection, photos)
    return inspection


@transaction.atomic
def inspection_add_photos(*, actor: Any, inspection: Inspection, photos: Sequence[Any]) -> None:
    _inspector(actor, "上传检查照片")
    _add_photos(actor, inspection, photos)


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    inspection: Inspection,
    description: str,
    department: Department | None,
    rectification_deadline: dt.date | None,
) -> Finding:
    _inspector(actor, "登记问题")
    department = active_department(department, "责任单位")
    if rectification_deadline is None or rectification_deadline < timezone.localdate():
        raise ValidationFailed(
            "请填写不早于今天的整改时限。",
            code="supervision.rectification_deadline_invalid",
            fields={"rectification_deadline": ["整改时限无效。"]},
        )
    finding = Finding(
        state=Finding.State.ASSIGNED,
        inspection=inspection,
        description=(description or "").strip(),
        department=department,
        rectification_deadline=rectification_deadline,
    )
    clean(finding)
    save_new(
        finding,
        actor=actor,
        label="交办问题",
        note=finding.description,
        audit_action="finding.create",
        after={
            "inspection": inspection.pk,
            "department": department.pk,
            "deadline": rectification_deadline.isoformat(),
        },
    )
    tell(
        finding,
        recipients=handlers(department.pk, heads=True),
        kind="finding",
        title=f"明察暗访发现问题，请于{rectification_deadline:%m月%d日}前整改",
        body=finding.description,
        url_name=URL,
    )
    return finding


def _finding_changes(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    now = timezone.now()
    note = str(data.get("reason") or data.get("note") or "").strip()
    if action == "report":
        report = str(data.get("report", "")).strip()
        return {"report": report, "reported_at": now}, report
    if action == "verify":
        return {"verify_note": note, "verified_at": now}, note
    if action == "return":
        return {"verify_note": note}, note
    if action == "close":
        return {"closed_at": now}, note
    return {}, note


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
    note = step(
        finding,
        FINDING,
        actor=actor,
        action=action,
        data=data,
        seen_version=seen_version,
        changes=_finding_changes,
    )
    if action == "report":
        # Every report carries its own evidence: after a return, the evidence the inspector refused is not
        # proof of the new rectification.
        if not evidence:
            raise ValidationFailed(
                "报告整改情况须附本次整改的佐证材料。",
                code="supervision.evidence_missing",
                fields={"evidence": ["请上传佐证材料。"]},
            )
        for uploaded in evidence:
            attachment_add(
                actor=actor, obj=finding, uploaded=uploaded, purpose="evidence", allowed=EVIDENCE_TYPES
            )
        inspectors = User.objects.filter(pk=finding.inspection.created_by_id).values_list("pk", flat=True)
        tell(
            finding,
            recipients=list(inspectors),
            kind="finding",
            title=f"{finding.department.display_name}已报告整改情况，请复核",
            body=note,
            url_name=URL,
        )
    elif action in {"return", "verify"}:
        tell(
            finding,
            recipients=handlers(finding.department_id),
            kind="finding",
            title="整改情况复核通过" if action == "verify" else "整改情况未通过复核，请继续整改",
            body=note,
            url_name=URL,
        )
    return finding
