"""The task page and its actions: each parses a form, calls one service and returns to the task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.errors import ApplicationError, ConcurrentChange, TransitionRefused
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import form_errors_message, run_action, seen_version
from yingshang.core.uploads import attachments_for
from yingshang.org import roles as r

from .. import permissions as perms
from .. import selectors, services
from .. import warnings as w
from .. import workflow as wf
from ..forms import (
    CloseOutForm,
    ContributionForm,
    DecisionForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ReportForm,
    TaskActionForm,
    TaskAdjustForm,
)
from ..models import CloseOutRequest, ExtensionRequest, Milestone, ProgressReport

SUPERVISING_ROLES = {r.OFFICE, r.LEADER, r.INSPECTOR}


def _can_supervise(user: Any) -> bool:
    """督查督办 of the task (orders, reminders, instructions) on supervision's item page: the office, the
    leaders and the inspectors — who may open that page (supervision.permissions) and act or look there."""
    from yingshang.supervision.permissions import can_view_supervision

    return bool(user.role_codes & SUPERVISING_ROLES) and can_view_supervision(user)


@login_required
@require_GET
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, perms.access_task(request.user, pk))


def _page(request: AuthedRequest, task: Any, failed: tuple[str, forms.Form] | None = None) -> HttpResponse:
    """The task page; after a refused action, with that action's form as posted and its errors beside the
    fields (`failed`: the form's name in the template and the form)."""
    detail = selectors.task_detail(task)
    user = request.user
    today = timezone.localdate()
    is_office = perms.can_manage_ledger(user)
    pending = next((c for c in detail["close_outs"] if c.outcome == CloseOutRequest.Outcome.PENDING), None)
    can_report = perms.can_report_progress(user, task)
    ctx = {
        "task": task,
        **detail,
        "state_label": wf.TASK_STATES.get(task.state, task.state),
        "level": w.level(task.yellow_at, task.red_at, today) if task.state in wf.OPEN else "",
        "levels": w.LEVEL_LABELS,
        "cycle_label": services.cycle_label(task.cycle),
        "available": {t.action for t in wf.TASK.available(task, user, perms.predicates())},
        "can_report": can_report,
        "can_contribute": perms.can_contribute(user, task),
        "can_extend": perms.can_request_extension(user, task)
        and not any(e.state == ExtensionRequest.State.PENDING for e in detail["extensions"]),
        "is_office": is_office,
        # Only the report form shows it; the reports are already read, so no query for it.
        "report_period": _report_period(task, detail["reports"], today) if can_report else "",
        "pending": pending,
        "pending_files": list(attachments_for(pending)) if pending else [],
        "report_files": selectors.files_for_reports(detail["reports"]),
        "categories": list(selectors.categories()) if is_office else [],
        "all_departments": list(selectors.active_departments())
        if is_office and task.state in wf.OPEN
        else [],
        "lead_ids": {d.department_id for d in detail["leads"]},
        "co_ids": {d.department_id for d in detail["cos"]},
        "is_lead": perms.is_lead(user, task) and task.state in wf.ACTIVE,
        "is_lead_head": user.has_role(r.DEPT_HEAD) and perms.is_lead(user, task),
        "report_status": ProgressReport.Status,
        "extension_state": ExtensionRequest.State,
        "cycles": services.Cycle.choices,
        "can_supervise": _can_supervise(user),
        "failed": failed[0] if failed else "",
        "failed_form": failed[1] if failed else None,
    }
    return render(request, "ledger/task_detail.html", ctx)


def _report_period(task: Any, reports: list[ProgressReport], today: Any) -> str:
    reported = {p.period_start for p in reports if p.status != ProgressReport.Status.RETURNED}
    return w.period_label(services.default_report_period(task, today, reported=reported), task.cycle)


def _task_action(
    request: AuthedRequest,
    form: forms.Form,
    task_pk: int,
    call: Callable[[dict[str, Any]], Any],
    ok: str | Callable[[dict[str, Any]], str],
    name: str,
) -> HttpResponse:
    """Parse the form and run the service with its cleaned data: done, back to the task; refused, the task
    page again with the form `name` as posted and the errors beside its fields. When the task moved under
    the form (someone else acted first), the posted form is stale: back to the task as it is now."""
    if not form.is_valid():
        form_errors_message(request, form)
        return _page(request, perms.access_task(request.user, task_pk), (name, form))
    data = form.cleaned_data
    moved: list[ApplicationError] = []

    def attempt() -> Any:
        try:
            return call(data)
        except (ConcurrentChange, TransitionRefused) as exc:
            moved.append(exc)
            raise

    if run_action(request, attempt, ok(data) if callable(ok) else ok, form=form) or moved:
        return redirect("ledger:task", pk=task_pk)
    return _page(request, perms.access_task(request.user, task_pk), (name, form))


def _decided(approved: str, refused: str) -> Callable[[dict[str, Any]], str]:
    return lambda data: approved if data.get("decision") == "approve" else refused


@login_required
@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    form = ReportForm(request.POST, request.FILES)
    return _task_action(
        request,
        form,
        pk,
        lambda d: services.progress_report_submit(
            actor=request.user,
            task=task,
            text=d["text"],
            percent=d["percent"],
            metric_value=d["metric_value"],
            problems=d["problems"],
            next_steps=d["next_steps"],
            coordination=d["coordination"],
            evidence=d["evidence"],
            fold_contributions=d["fold"],
            seen_version=seen_version(request),
        ),
        "进展已反馈。",
        "report",
    )


@login_required
@require_POST
def report_head_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    report = perms.access_on_task(request.user, ProgressReport, pk)
    return _task_action(
        request,
        DecisionForm(request.POST),
        report.task_id,
        lambda d: services.progress_report_head_decide(
            actor=request.user, report=report, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        _decided("进度反馈已审核通过。", "进度反馈已退回。"),
        f"report_head_{pk}",
    )


@login_required
@require_POST
def contribution_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    return _task_action(
        request,
        ContributionForm(request.POST),
        pk,
        lambda d: services.contribution_submit(actor=request.user, task=task, text=d["text"]),
        "配合情况已提交，牵头单位反馈时将一并汇总。",
        "contribute",
    )


@login_required
@require_POST
def close_out_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    return _task_action(
        request,
        CloseOutForm(request.POST, request.FILES),
        pk,
        lambda d: services.close_out_request(
            actor=request.user,
            task=task,
            summary=d["summary"],
            evidence=d["evidence"],
            annual=d["annual"],
            seen_version=seen_version(request),
        ),
        lambda d: "年度销号申请已提交。" if d["annual"] else "销号申请已提交。",
        "close_out",
    )


def _close_out_decision(
    service: Callable[..., Any], approved: str, refused: str
) -> Callable[..., HttpResponse]:
    """The department head's and the office's decision on a close-out request: the same form and call."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        task = perms.access_task(request.user, pk)
        return _task_action(
            request,
            DecisionForm(request.POST),
            pk,
            lambda d: service(
                actor=request.user,
                task=task,
                approve=d["decision"] == "approve",
                reason=d["reason"],
                seen_version=seen_version(request),
            ),
            _decided(approved, refused),
            service.__name__,
        )

    return view


head_decide = _close_out_decision(services.close_out_head_decide, "已审核通过，报营商办审核。", "已退回。")
close_out_review = _close_out_decision(services.close_out_review, "已同意销号。", "已退回销号申请。")


@login_required
@require_POST
def task_action(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    form = TaskActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _task_action(
        request,
        form,
        pk,
        lambda d: services.task_transition(
            actor=request.user,
            task=task,
            action=d["action"],
            data={"reason": d["reason"]},
            seen_version=seen_version(request),
            note=d["reason"],
        ),
        lambda d: TaskActionForm.ACTIONS[d["action"]],
        f"action_{form.cleaned_data['action']}",
    )


@login_required
@require_POST
def task_adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    form = TaskAdjustForm(request.POST)
    return _task_action(
        request,
        form,
        pk,
        lambda d: services.task_adjust(
            actor=request.user,
            task=task,
            reason=d["reason"],
            changes=form.changes(),
            seen_version=seen_version(request),
        ),
        "任务已调整。",
        "adjust",
    )


@login_required
@require_POST
def extension_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    return _task_action(
        request,
        ExtensionForm(request.POST),
        pk,
        lambda d: services.extension_request(
            actor=request.user, task=task, requested_deadline=d["requested_deadline"], reason=d["reason"]
        ),
        "延期申请已提交，待营商办审批。",
        "extension",
    )


@login_required
@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = perms.access_on_task(request.user, ExtensionRequest, pk)
    return _task_action(
        request,
        ExtensionDecisionForm(request.POST),
        extension.task_id,
        lambda d: services.extension_decide(
            actor=request.user,
            extension=extension,
            approve=d["decision"] == "approve",
            note=d["note"],
            seen_version=seen_version(request),
        ),
        _decided("已同意延期。", "已不同意延期。"),
        f"extension_decide_{pk}",
    )


@login_required
@require_POST
def milestone_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    milestone = perms.access_on_task(request.user, Milestone, pk)
    run_action(
        request,
        lambda: services.milestone_complete(actor=request.user, milestone=milestone),
        "时间节点已标记完成。",
    )
    return redirect("ledger:task", pk=milestone.task_id)
