"""Close-out (销号, 年度销号) with the department head's and the office's reviews, and deadline extensions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.workflow import apply_transition

from .. import permissions as perms
from .. import workflow as wf
from ..models import CloseOutRequest, ExtensionRequest, Task
from ..selectors import pending_close_out
from ._common import (
    add_evidence,
    check_files,
    full_clean,
    refresh_warning,
    require_text,
    set_status,
    transition,
)

Kind = CloseOutRequest.Kind
Outcome = CloseOutRequest.Outcome


def _check_annual(task: Task, annual: bool, year: int | None) -> int | None:
    """The year an annual close-out is for (None for a final one), refused when it does not apply."""
    if not annual:
        return None
    if not task.ongoing:
        raise ValidationFailed(
            "只有长期任务可以申请年度销号。",
            code="ledger.close_out_annual_not_ongoing",
            fields={"annual": ["非长期任务。"]},
        )
    year = year or timezone.localdate().year
    if CloseOutRequest.objects.filter(
        task=task, kind=Kind.ANNUAL, year=year, outcome=Outcome.APPROVED
    ).exists():
        raise ValidationFailed(
            f"{year}年度已销号。", code="ledger.close_out_year_done", fields={"year": ["该年度已销号。"]}
        )
    return year


@transaction.atomic
def close_out_request(
    *,
    actor: Any,
    task: Task,
    summary: str,
    evidence: Sequence[Any],
    annual: bool = False,
    year: int | None = None,
    seen_version: int | None = None,
) -> CloseOutRequest:
    """销号申请 (or 年度销号 for an ongoing task), refused without evidence; to the department head first
    when the office setting says so."""
    check_files(evidence)
    year = _check_annual(task, annual, year)
    action = "request_close_to_head" if get_setting("ledger_head_approval") else "request_close"
    transition(
        task,
        actor=actor,
        action=action,
        data={
            "summary": summary,
            "evidence": [getattr(f, "name", "") for f in evidence],
            "kind": Kind.ANNUAL if annual else Kind.FINAL,
            "year": year,
        },
        seen_version=seen_version,
        note=summary,
    )
    request = CloseOutRequest(
        task=task,
        kind=Kind.ANNUAL if annual else Kind.FINAL,
        year=year,
        summary=summary.strip(),
        requested_by=actor,
    )
    full_clean(request)
    request.save()
    add_evidence(actor=actor, obj=request, files=evidence)
    refresh_warning(task)
    audit_record(
        actor=actor,
        action="close_out.request",
        obj=request,
        after={"task": task.pk, "kind": request.kind, "year": year, "files": len(evidence)},
    )
    return request


@transaction.atomic
def close_out_head_decide(
    *, actor: Any, task: Task, approve: bool, reason: str = "", seen_version: int | None = None
) -> Task:
    """部门负责人 approves the department's close-out request on to the office, or returns it."""
    action = "head_approve" if approve else "head_reject"
    transition(
        task, actor=actor, action=action, data={"reason": reason}, seen_version=seen_version, note=reason
    )
    request = pending_close_out(task)
    if request is not None:
        head = {"head_by": actor, "head_at": timezone.now()}
        if approve:
            CloseOutRequest.objects.filter(pk=request.pk).update(**head)
        else:
            set_status(
                request,
                workflow=wf.CLOSE_OUT,
                field="outcome",
                action="head_reject",
                actor=actor,
                changes={**head, "review_note": reason},
            )
    refresh_warning(task)
    return task


@transaction.atomic
def close_out_review(
    *, actor: Any, task: Task, approve: bool, reason: str = "", seen_version: int | None = None
) -> CloseOutRequest:
    """营商办 审核: approve the close-out (销号, or the year of an ongoing task) or return it with reasons."""
    request = pending_close_out(task)
    if request is None and task.state == wf.CLOSE_REQUESTED:
        raise TransitionRefused("该任务没有待审核的销号申请。", code="ledger.close_out_none_pending")
    if approve:
        annual = request is not None and request.kind == Kind.ANNUAL
        action = "approve_annual" if annual else "approve_close"
        changes = {} if annual else {"closed_on": timezone.localdate(), "percent": 100}
    else:
        action, changes = "reject_close", {}
    transition(
        task,
        actor=actor,
        action=action,
        data={"reason": reason},
        seen_version=seen_version,
        note=reason,
        changes=changes,
    )
    assert request is not None
    set_status(
        request,
        workflow=wf.CLOSE_OUT,
        field="outcome",
        action="approve" if approve else "reject",
        actor=actor,
        changes={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_note": reason.strip()},
    )
    refresh_warning(task)
    return request


@transaction.atomic
def extension_request(*, actor: Any, task: Task, requested_deadline: date, reason: str) -> ExtensionRequest:
    if not perms.can_request_extension(actor, task):
        raise PermissionRefused(
            "只有牵头单位可以为推进中的限期任务申请延期。", code="ledger.extension_lead_only"
        )
    require_text(reason, field="reason", message="请填写延期理由。", code="ledger.extension_reason_required")
    if task.deadline and requested_deadline <= task.deadline:
        raise ValidationFailed(
            "申请的完成时限须晚于原完成时限。",
            code="ledger.extension_not_later",
            fields={"requested_deadline": ["须晚于原完成时限。"]},
        )
    if ExtensionRequest.objects.filter(task=task, state=wf.EXT_PENDING).exists():
        raise ValidationFailed("该任务已有待审批的延期申请。", code="ledger.extension_pending_exists")
    extension = ExtensionRequest(
        task=task,
        current_deadline=task.deadline,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
        requested_by=actor,
        state=wf.EXT_PENDING,
    )
    full_clean(extension, exclude=["version"])
    extension.save()
    record_timeline(
        task,
        actor=actor,
        action="extension_request",
        label=f"申请延期至 {requested_deadline:%Y-%m-%d}",
        note=extension.reason,
    )
    audit_record(
        actor=actor,
        action="extension.request",
        obj=extension,
        after={"task": task.pk, "to": str(requested_deadline)},
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: Any, extension: ExtensionRequest, approve: bool, note: str = "", seen_version: int | None = None
) -> ExtensionRequest:
    apply_transition(
        extension,
        workflow=wf.EXTENSION,
        user=actor,
        action="approve" if approve else "refuse",
        data={"reason": note},
        seen_version=seen_version,
        changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()},
        note=note,
    )
    task = Task.objects.get(pk=extension.task_id)
    if approve:
        before = task.deadline
        Task.objects.filter(pk=task.pk).update(deadline=extension.requested_deadline)
        task.deadline = extension.requested_deadline
        refresh_warning(task)
        audit_record(
            actor=actor,
            action="task.extend",
            obj=task,
            before={"deadline": str(before)},
            after={"deadline": str(task.deadline)},
            detail=note,
        )
    record_timeline(
        task,
        actor=actor,
        action="extension_decide",
        label=("同意延期至 " + f"{extension.requested_deadline:%Y-%m-%d}") if approve else "不同意延期",
        note=note,
    )
    return extension
