"""Progress reports (进度反馈), their approval by the department head, and the cooperating departments'
contributions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ConcurrentChange, PermissionRefused, ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.org.models import Department

from .. import permissions as perms
from .. import warnings as w
from .. import workflow as wf
from ..models import Contribution, ProgressReport, Task, TaskDepartment
from ._common import (
    add_evidence,
    check_files,
    full_clean,
    refresh_warning,
    require_text,
    set_status,
    transition,
)

Status = ProgressReport.Status


def default_report_period(task: Task, on: date, *, reported: set[date] | None = None) -> date:
    """The cycle a report made on `on` is for: the last cycle that has ended if it is owed and unreported,
    otherwise the current one. `reported`: the cycles with a report standing (not returned), when the caller
    has read them already."""
    current = w.period_start(on, task.cycle)
    previous = w.previous_period(current, task.cycle)
    first = w.period_start(task.start_date, task.cycle)
    if previous < first:
        return current
    if reported is not None:
        return current if previous in reported else previous
    standing = ProgressReport.objects.filter(task=task, period_start=previous).exclude(status=Status.RETURNED)
    return current if standing.exists() else previous


def _check_report(*, actor: Any, task: Task, text: str, percent: int | None, seen_version: int | None) -> int:
    """Who may report, on which version, and what a report must say; the percent."""
    if not perms.can_report_progress(actor, task):
        if not perms.can_view_task(actor, task):
            raise PermissionRefused("您不能反馈该任务的进展。", code="ledger.report_not_allowed")
        raise PermissionRefused("只有牵头单位可以在任务推进期间反馈进展。", code="ledger.report_not_allowed")
    if seen_version is not None and seen_version != task.version:
        raise ConcurrentChange()
    require_text(text, field="text", message="请填写工作进展。", code="ledger.report_text_required")
    if percent is None or not 0 <= percent <= 100:
        raise ValidationFailed(
            "完成进度应为 0–100 的整数。",
            code="ledger.report_percent_range",
            fields={"percent": ["应为 0–100 的整数。"]},
        )
    return percent


@transaction.atomic
def progress_report_submit(
    *,
    actor: Any,
    task: Task,
    text: str,
    percent: int | None,
    metric_value: Decimal | float | None = None,
    problems: str = "",
    next_steps: str = "",
    coordination: str = "",
    evidence: Sequence[Any] = (),
    period_start: date | None = None,
    fold_contributions: Iterable[int] | None = None,
    seen_version: int | None = None,
    submitted_at: datetime | None = None,
) -> ProgressReport:
    """进度反馈 by a lead department: the text is required and the percent 0–100. The first counted report
    starts the task. `submitted_at` is for loading history (demo data, migration of old ledgers); users
    always report "now"."""
    percent = _check_report(actor=actor, task=task, text=text, percent=percent, seen_version=seen_version)
    check_files(evidence)
    at = submitted_at or timezone.now()
    on = timezone.localdate(at)
    period = w.period_start(period_start, task.cycle) if period_start else default_report_period(task, on)
    if ProgressReport.objects.filter(task=task, period_start=period).exclude(status=Status.RETURNED).exists():
        raise ValidationFailed(
            f"{w.period_label(period, task.cycle)}已反馈，请勿重复提交。",
            code="ledger.report_period_taken",
            fields={"period_start": ["本期已反馈。"]},
        )
    to_head = bool(get_setting("ledger_head_approval")) and not actor.has_role(r.DEPT_HEAD)
    report = ProgressReport(
        task=task,
        period_start=period,
        department=acting_department(actor, task),
        text=text.strip(),
        percent=percent,
        metric_value=Decimal(str(metric_value)) if metric_value not in (None, "") else None,
        problems=problems.strip(),
        next_steps=next_steps.strip(),
        coordination=coordination.strip(),
        is_late=on > w.report_due(period, task.cycle),
        status=Status.PENDING_HEAD if to_head else Status.ACCEPTED,
        submitted_by=actor,
        submitted_at=at,
    )
    full_clean(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ConcurrentChange(
            "本期反馈刚由他人提交，请刷新后查看。", code="ledger.report_submitted_meanwhile"
        ) from exc
    contributions = Contribution.objects.filter(task=task, report__isnull=True)
    if fold_contributions is not None:
        contributions = contributions.filter(pk__in=list(fold_contributions))
    folded = contributions.update(report=report)
    add_evidence(actor=actor, obj=report, files=evidence)
    label = f"反馈进展（{w.period_label(period, task.cycle)}）" + ("，逾期" if report.is_late else "")
    if to_head:
        label += "，待部门负责人审核"
    else:
        _count_report(task, report, actor=actor)
    record_timeline(
        task,
        actor=actor,
        action="report",
        label=label,
        note=report.text,
        data={"report": report.pk, "percent": report.percent, "late": report.is_late, "folded": folded},
    )
    audit_record(
        actor=actor,
        action="progress_report.submit",
        obj=report,
        after={"task": task.pk, "period": str(period), "percent": report.percent, "late": report.is_late},
    )
    return report


def _count_report(task: Task, report: ProgressReport, *, actor: Any) -> None:
    """An accepted report starts the task, moves its last reported cycle and percent, and its thresholds."""
    if task.state == wf.NOT_STARTED:
        transition(task, actor=actor, action="start", note="首次反馈进展")
    on = timezone.localdate(report.submitted_at)
    fields: dict[str, Any] = {}
    if task.last_period is None or report.period_start >= task.last_period:
        fields.update(percent=report.percent, last_period=report.period_start)
    if task.last_report_on is None or on > task.last_report_on:
        fields["last_report_on"] = on
    if fields:
        Task.objects.filter(pk=task.pk).update(**fields)
        for key, value in fields.items():
            setattr(task, key, value)
    refresh_warning(task)


@transaction.atomic
def progress_report_head_decide(
    *, actor: Any, report: ProgressReport, approve: bool, reason: str = ""
) -> ProgressReport:
    """部门负责人 approves a liaison's report (it then counts) or returns it with a reason (the liaison reports
    the cycle again). The table `workflow.REPORT_APPROVAL` says who and from which status."""
    task = Task.objects.select_for_update().get(pk=report.task_id)
    if not (actor.has_role(r.DEPT_HEAD) and perms.is_lead(actor, task)):
        raise PermissionRefused(
            "只有牵头单位的部门负责人可以审核本单位的进度反馈。", code="ledger.report_head_only"
        )
    t = set_status(
        report,
        workflow=wf.REPORT_APPROVAL,
        field="status",
        action="head_approve" if approve else "head_return",
        actor=actor,
        data={"reason": reason},
        changes={"head_note": reason.strip()},
    )
    if approve:
        _count_report(task, report, actor=actor)
    else:
        Contribution.objects.filter(report=report).update(report=None)
    record_timeline(
        task,
        actor=actor,
        action="report_head_approve" if approve else "report_head_return",
        label=f"{t.label}（{w.period_label(report.period_start, task.cycle)}）",
        note=reason,
    )
    audit_record(
        actor=actor,
        action=f"{wf.REPORT_APPROVAL.name}.{t.action}",
        obj=report,
        after={"status": report.status},
        detail=reason,
    )
    return report


def acting_department(actor: Any, task: Task, role: str = TaskDepartment.Role.LEAD) -> Department:
    from yingshang.org.scope import department_ids

    ids = department_ids(actor) or set()
    rows = [d for d, rl in perms.task_department_roles(task).items() if rl == role and d in ids]
    if not rows:
        raise PermissionRefused(
            f"您所在单位不是该任务的{TaskDepartment.Role(role).label}。", code="ledger.not_task_department"
        )
    preferred = actor.department_id if actor.department_id in rows else rows[0]
    return Department.objects.get(pk=preferred)


@transaction.atomic
def contribution_submit(*, actor: Any, task: Task, text: str) -> Contribution:
    """配合单位 add their part; the lead folds it into its next report."""
    if not perms.can_contribute(actor, task):
        raise PermissionRefused("只有配合单位可以提交配合情况。", code="ledger.contribution_co_only")
    require_text(text, field="text", message="请填写配合工作情况。", code="ledger.contribution_text_required")
    contribution = Contribution(
        task=task,
        department=acting_department(actor, task, TaskDepartment.Role.CO),
        text=text.strip(),
        submitted_by=actor,
    )
    full_clean(contribution)
    contribution.save()
    record_timeline(
        task,
        actor=actor,
        action="contribution",
        label=f"配合单位反馈（{contribution.department.display_name}）",
        note=contribution.text,
    )
    audit_record(actor=actor, action="contribution.submit", obj=contribution, after={"task": task.pk})
    return contribution
