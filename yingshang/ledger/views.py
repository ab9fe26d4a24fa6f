"""Ledger pages: thin — parse, access, call one service, render (whole page or its htmx fragment)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from yingshang.assessment.official_docx import written_date
from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ApplicationError
from yingshang.core.exports import XLSX_TYPE, exporter_line, xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.office_settings import get_setting
from yingshang.core.uploads import attachments_for
from yingshang.org import roles as r
from yingshang.org.models import Department

from . import permissions as perms
from . import selectors, services
from . import warnings as w
from . import workflow as wf
from .models import (
    Category,
    ExportJob,
    ExtensionRequest,
    Measure,
    Milestone,
    PolicyDocument,
    ProgressReport,
    SavedFilter,
)

PAGE_SIZE = 50
EXPORT_WIDTHS = [8, 60, 24, 24, 16, 12, 10, 10, 10, 14, 14]


def _require_reader(request: AuthedRequest) -> None:
    if not perms.can_read_ledger(request.user):
        raise Http404


def _require_office(request: AuthedRequest) -> None:
    if not perms.can_manage_ledger(request.user):
        raise Http404


def _options(choices: Iterable[tuple[int, str]], selected: int | None) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if pk == selected else "", label) for pk, label in choices),
    )


def _filter_query(request: AuthedRequest) -> str:
    params = {k: v for k, v in request.GET.items() if k in selectors.TaskFilters.FIELDS and v}
    return urlencode(params)


# --- ledger list, saved filters, export ------------------------------------------------------------


@login_required
@require_GET
def task_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    filters = selectors.TaskFilters.from_query(request.GET)
    qs = selectors.task_list(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.task_rows(page.object_list)
    query = _filter_query(request)
    ctx: dict[str, Any] = {
        "rows": rows,
        "page": page,
        "query": query,
        # "/ledger/tasks/": each row links to prefix + id, not a URL reverse per row.
        "task_url": reverse("ledger:task", args=[0])[:-2],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "ledger/task_list.html#results", ctx)
    # The filter form (not part of the htmx fragment): option lists rendered here in one pass each, where
    # a template loop with a comparison per option cost more than the rest of the page.
    ctx.update(
        filters=filters,
        states=wf.TASK_STATES,
        levels=w.LEVEL_LABELS,
        saved=list(selectors.saved_filters(request.user)),
        document_options=_options(
            ((d.pk, Truncator(d.title).chars(30)) for d in PolicyDocument.objects.only("id", "title")),
            filters.document,
        ),
        department_options=_options(
            selectors.departments_for_filter(request.user).values_list("id", "name"), filters.department
        ),
        category_options=_options(((c.pk, c.name) for c in selectors.categories()), filters.category),
    )
    return render(request, "ledger/task_list.html", ctx)


@login_required
@require_POST
def saved_filter_save(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    try:
        services.saved_filter_save(
            actor=request.user, name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "常用筛选已保存。")
    return redirect(reverse("ledger:list") + "?" + request.POST.get("query", ""))


@login_required
@require_POST
def saved_filter_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    services.saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, "常用筛选已删除。")
    return redirect("ledger:list")


@login_required
@require_GET
def task_export(request: AuthedRequest) -> HttpResponse:
    """Exactly what the list shows with these filters, in its order, in the import layout plus status."""
    _require_reader(request)
    filters = selectors.TaskFilters.from_query(request.GET)
    qs = selectors.task_list(request.user, filters)
    total = qs.count()
    if total > int(get_setting("ledger_export_sync_rows")):
        job = services.export_job_create(actor=request.user, query=_filter_query(request))
        messages.info(request, f"共 {total} 条，正在后台生成导出文件。")
        return redirect("ledger:export_job", pk=job.pk)
    rows = (selectors.export_row(row) for row in selectors.task_rows(qs.iterator(chunk_size=2000)))
    return xlsx_response(
        filename=f"重点任务台账-{timezone.localdate():%Y%m%d}.xlsx",
        title="重点任务台账",
        headers=selectors.EXPORT_HEADERS,
        rows=rows,
        user=request.user,
        audit_action="ledger.export",
        filters=filters.as_dict(),
        widths=EXPORT_WIDTHS,
    )


@login_required
@require_GET
def export_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    ctx = {"job": job, "percent": int(job.done * 100 / job.total) if job.total else 0}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "ledger/export_job.html#progress", ctx)
    return render(request, "ledger/export_job.html", ctx)


@login_required
@require_GET
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    audit_record(actor=request.user, action="ledger.export_download", obj=job, detail=job.file_name)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


# --- my tasks, review queue ------------------------------------------------------------------------


@login_required
@require_GET
def my_tasks(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    today = timezone.localdate()
    tasks = list(selectors.my_tasks(request.user)[:500])
    due: list[dict] = []
    late: list[dict] = []
    other: list[dict] = []
    rules = w.Rules.current()
    for task in tasks:
        level = w.level(task.yellow_at, task.red_at, today) if task.state in wf.OPEN else ""
        item = {
            "task": task,
            "level": level,
            "state_label": wf.TASK_STATES.get(task.state, task.state),
            "missed": w.missed_count(
                state=task.state,
                cycle=task.cycle,
                start_date=task.start_date,
                last_period=task.last_period,
                deadline=task.deadline,
                ongoing=task.ongoing,
                on=today,
                rules=rules,
            ),
            "period": w.period_label(
                w.due_report_period(
                    cycle=task.cycle, start_date=task.start_date, last_period=task.last_period, on=today
                ),
                task.cycle,
            )
            if task.state in wf.OPEN
            else "",
        }
        (late if level == w.RED else due if level == w.YELLOW else other).append(item)
    ctx = {
        "late": late,
        "due": due,
        "other": other,
        "co_tasks": list(selectors.co_tasks(request.user)[:200]),
        "levels": w.LEVEL_LABELS,
    }
    return render(request, "ledger/my_tasks.html", ctx)


@login_required
@require_GET
def review_queue(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_role("office", "dept_head"):
        raise Http404
    tasks = list(selectors.review_queue(request.user))
    pending = {
        c.task_id: c for c in services.CloseOutRequest.objects.filter(task__in=tasks, outcome="pending")
    }
    return render(
        request,
        "ledger/review_queue.html",
        {
            "items": [(t, pending.get(t.pk)) for t in tasks],
            "extensions": list(selectors.pending_extensions(request.user)),
            "reports": list(selectors.pending_reports(request.user)),
        },
    )


# --- task page and its actions ---------------------------------------------------------------------


@login_required
@require_GET
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    detail = selectors.task_detail(task)
    user = request.user
    today = timezone.localdate()
    available = {t.action for t in wf.TASK.available(task, user, perms.predicates())}
    pending = next((c for c in detail["close_outs"] if c.outcome == "pending"), None)
    can_report = perms.can_report_progress(user, task)
    ctx = {
        "task": task,
        **detail,
        "state_label": wf.TASK_STATES.get(task.state, task.state),
        "level": w.level(task.yellow_at, task.red_at, today) if task.state in wf.OPEN else "",
        "levels": w.LEVEL_LABELS,
        "cycle_label": services.cycle_label(task.cycle),
        "available": available,
        "can_report": can_report,
        "can_contribute": perms.can_contribute(user, task),
        "can_extend": perms.can_request_extension(user, task)
        and not any(e.state == "pending" for e in detail["extensions"]),
        "is_office": perms.can_manage_ledger(user),
        # Only the report form shows it; the reports are already read, so no query for it.
        "report_period": w.period_label(
            services.default_report_period(
                task, today, reported={p.period_start for p in detail["reports"] if p.status != "returned"}
            ),
            task.cycle,
        )
        if can_report
        else "",
        "pending": pending,
        "pending_files": list(attachments_for(pending)) if pending else [],
        "report_files": _files_for_reports(detail["reports"]),
        "categories": list(selectors.categories()) if perms.can_manage_ledger(user) else [],
        "all_departments": list(Department.objects.filter(is_active=True).only("id", "name"))
        if perms.can_manage_ledger(user) and task.state in wf.OPEN
        else [],
        "lead_ids": {d.department_id for d in detail["leads"]},
        "co_ids": {d.department_id for d in detail["cos"]},
        "is_lead": perms.is_lead(user, task) and task.state in wf.ACTIVE,
        "is_lead_head": user.has_role("dept_head") and perms.is_lead(user, task),
        "cycles": services.Cycle.choices,
        "can_supervise": _can_supervise(user),
    }
    return render(request, "ledger/task_detail.html", ctx)


SUPERVISING_ROLES = {r.OFFICE, r.LEADER, r.INSPECTOR}


def _can_supervise(user: Any) -> bool:
    """督查督办 of the task (orders, reminders, instructions) on supervision's item page: the office, the
    leaders and the inspectors — who may open that page (supervision.permissions) and act or look there."""
    from yingshang.supervision.permissions import can_view_supervision

    return bool(user.role_codes & SUPERVISING_ROLES) and can_view_supervision(user)


def _files_for_reports(reports: list) -> dict[int, list]:
    from django.contrib.contenttypes.models import ContentType

    from yingshang.core.models import Attachment

    if not reports:
        return {}
    ct = ContentType.objects.get_for_model(reports[0])
    out: dict[int, list] = {}
    for a in Attachment.objects.filter(
        content_type=ct, object_id__in=[report.pk for report in reports]
    ).order_by("id"):
        out.setdefault(a.object_id, []).append(a)
    return out


def _back(task_pk: int) -> HttpResponse:
    return redirect("ledger:task", pk=task_pk)


def _version(request: AuthedRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _act(request: AuthedRequest, task_pk: int, success: str, fn: Any) -> HttpResponse:
    try:
        fn()
    except ApplicationError as exc:
        detail = "；".join(m for msgs in exc.fields.values() for m in msgs) if exc.fields else ""
        messages.error(
            request, exc.message + (f"（{detail}）" if detail and detail not in exc.message else "")
        )
    else:
        messages.success(request, success)
    return _back(task_pk)


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        from yingshang.core.errors import ValidationFailed

        raise ValidationFailed("指标完成值应为数字。", fields={"metric_value": ["应为数字。"]}) from None


def _percent(raw: str) -> int:
    from yingshang.core.errors import ValidationFailed

    try:
        value = int((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "完成进度应为 0–100 的整数。", fields={"percent": ["应为 0–100 的整数。"]}
        ) from None
    if not 0 <= value <= 100:
        raise ValidationFailed("完成进度应为 0–100 的整数。", fields={"percent": ["应为 0–100 的整数。"]})
    return value


@login_required
@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    p = request.POST

    def run():
        from yingshang.core.errors import ValidationFailed

        if not p.get("text", "").strip():
            raise ValidationFailed("请填写工作进展。", fields={"text": ["请填写工作进展。"]})
        services.progress_report_submit(
            actor=request.user,
            task=task,
            text=p.get("text", ""),
            percent=_percent(p.get("percent", "")),
            metric_value=_decimal(p.get("metric_value", "")),
            problems=p.get("problems", ""),
            next_steps=p.get("next_steps", ""),
            coordination=p.get("coordination", ""),
            evidence=request.FILES.getlist("evidence"),
            fold_contributions=[int(x) for x in p.getlist("fold") if x.isdigit()],
            seen_version=_version(request),
        )

    return _act(request, pk, "进展已反馈。", run)


@login_required
@require_POST
def report_head_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ProgressReport, pk=pk)
    perms.access_task(request.user, report.task_id)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        report.task_id,
        "进度反馈已审核通过。" if approve else "进度反馈已退回。",
        lambda: services.progress_report_head_decide(
            actor=request.user, report=report, approve=approve, reason=request.POST.get("reason", "")
        ),
    )


@login_required
@require_POST
def contribution_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)

    def run():
        from yingshang.core.errors import ValidationFailed

        if not request.POST.get("text", "").strip():
            raise ValidationFailed("请填写配合工作情况。")
        services.contribution_submit(actor=request.user, task=task, text=request.POST["text"])

    return _act(request, pk, "配合情况已提交，牵头单位反馈时将一并汇总。", run)


@login_required
@require_POST
def close_out_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    annual = request.POST.get("annual") == "1"
    return _act(
        request,
        pk,
        "年度销号申请已提交。" if annual else "销号申请已提交。",
        lambda: services.close_out_request(
            actor=request.user,
            task=task,
            summary=request.POST.get("summary", ""),
            evidence=request.FILES.getlist("evidence"),
            annual=annual,
            seen_version=_version(request),
        ),
    )


@login_required
@require_POST
def head_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        pk,
        "已审核通过，报营商办审核。" if approve else "已退回。",
        lambda: services.close_out_head_decide(
            actor=request.user,
            task=task,
            approve=approve,
            reason=request.POST.get("reason", ""),
            seen_version=_version(request),
        ),
    )


@login_required
@require_POST
def close_out_review(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        pk,
        "已同意销号。" if approve else "已退回销号申请。",
        lambda: services.close_out_review(
            actor=request.user,
            task=task,
            approve=approve,
            reason=request.POST.get("reason", ""),
            seen_version=_version(request),
        ),
    )


SIMPLE_ACTIONS = {"start": "已开始推进。", "reopen": "任务已重新打开。", "cancel": "任务已取消。"}


@login_required
@require_POST
def task_action(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    action = request.POST.get("action", "")
    if action not in SIMPLE_ACTIONS:
        raise Http404
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        SIMPLE_ACTIONS[action],
        lambda: services.task_transition(
            actor=request.user,
            task=task,
            action=action,
            data={"reason": reason},
            seen_version=_version(request),
            note=reason,
        ),
    )


@login_required
@require_POST
def task_adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    p = request.POST

    def run():
        changes: dict[str, Any] = {}
        if p.get("deadline"):
            try:
                changes["deadline"] = date.fromisoformat(p["deadline"])
            except ValueError:
                from yingshang.core.errors import ValidationFailed

                raise ValidationFailed("完成时限格式应为 YYYY-MM-DD。") from None
        if p.get("category"):
            changes["category"] = get_object_or_404(Category, pk=p["category"])
        if p.get("cycle") in dict(services.Cycle.choices):
            changes["cycle"] = p["cycle"]
        if "is_priority" in p:
            changes["is_priority"] = p.get("is_priority") == "1"
        if p.getlist("leads"):
            leads = _departments(p.getlist("leads"))
            cos = _departments(p.getlist("cos"))
            current = services.task_department_lists(task)
            if {d.pk for d in leads} != {d.pk for d in current["lead"]} or {d.pk for d in cos} != {
                d.pk for d in current["co"]
            }:
                changes["lead_departments"] = leads
                changes["co_departments"] = cos
                # Keep the primary lead when it stays a lead; otherwise the first one listed.
                changes["primary_lead"] = task.primary_lead if task.primary_lead in leads else leads[0]
        services.task_adjust(
            actor=request.user,
            task=task,
            reason=p.get("reason", ""),
            changes=changes,
            seen_version=_version(request),
        )

    return _act(request, pk, "任务已调整。", run)


@login_required
@require_POST
def extension_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)

    def run():
        from yingshang.core.errors import ValidationFailed

        try:
            requested = date.fromisoformat(request.POST.get("requested_deadline", ""))
        except ValueError:
            raise ValidationFailed(
                "请填写申请延期至的日期。", fields={"requested_deadline": ["日期无效。"]}
            ) from None
        services.extension_request(
            actor=request.user, task=task, requested_deadline=requested, reason=request.POST.get("reason", "")
        )

    return _act(request, pk, "延期申请已提交，待营商办审批。", run)


@login_required
@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(ExtensionRequest, pk=pk)
    perms.access_task(request.user, extension.task_id)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        extension.task_id,
        "已同意延期。" if approve else "已不同意延期。",
        lambda: services.extension_decide(
            actor=request.user,
            extension=extension,
            approve=approve,
            note=request.POST.get("note", ""),
            seen_version=_version(request),
        ),
    )


@login_required
@require_POST
def milestone_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    perms.access_task(request.user, milestone.task_id)
    return _act(
        request,
        milestone.task_id,
        "时间节点已标记完成。",
        lambda: services.milestone_complete(actor=request.user, milestone=milestone),
    )


def _departments(ids: list[str]) -> list[Department]:
    wanted = [int(x) for x in ids if x.isdigit()]
    found = Department.objects.in_bulk(wanted)
    return [found[i] for i in wanted if i in found]


@login_required
@require_POST
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """营商办 adds a task to a document by hand (the import does it in bulk)."""
    _require_office(request)
    document = get_object_or_404(PolicyDocument, pk=pk)
    p = request.POST
    try:
        from yingshang.core.errors import ValidationFailed

        category = Category.objects.filter(pk=p.get("category") or 0).first()
        measure = Measure.objects.filter(document=document, pk=p.get("measure") or 0).first()
        if measure is None:
            if not p.get("measure_title", "").strip():
                raise ValidationFailed("请选择所属措施，或填写新措施的内容。")
            measure = services.measure_create(
                actor=request.user,
                document=document,
                title=p["measure_title"],
                serial=p.get("measure_serial", ""),
                category=category,
                sort_order=document.measures.count() + 1,
            )
        ongoing = p.get("ongoing") == "1"
        deadline = None
        if not ongoing:
            try:
                deadline = date.fromisoformat(p.get("deadline", ""))
            except ValueError:
                raise ValidationFailed(
                    "请填写完成时限，或选择长期坚持。", fields={"deadline": ["日期无效。"]}
                ) from None
        if not p.get("title", "").strip():
            raise ValidationFailed("请填写任务内容。", fields={"title": ["请填写任务内容。"]})
        task = services.task_create(
            actor=request.user,
            measure=measure,
            title=p["title"],
            serial=p.get("serial", ""),
            lead_departments=_departments(p.getlist("leads")),
            co_departments=_departments(p.getlist("cos")),
            deadline=deadline,
            ongoing=ongoing,
            cycle=p.get("cycle") or None,
            category=category,
            metric=p.get("metric", ""),
            target_value=_decimal(p.get("target_value", "")),
            unit=p.get("unit", ""),
            is_priority=p.get("is_priority") == "1",
            sort_order=document.tasks.count() + 1,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:document", pk=document.pk)
    messages.success(request, "任务已建立。")
    return redirect("ledger:task", pk=task.pk)


@login_required
def document_create(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    if request.method == "POST":
        p = request.POST
        try:
            issued = date.fromisoformat(p["issued_on"]) if p.get("issued_on") else None
            document = services.policy_document_create(
                actor=request.user,
                title=p.get("title", ""),
                doc_number=p.get("doc_number", ""),
                issuer=p.get("issuer", ""),
                issued_on=issued,
                source_file=request.FILES.get("source_file"),
            )
        except ValueError:
            messages.error(request, "发文日期格式应为 YYYY-MM-DD。")
        except ApplicationError as exc:
            messages.error(request, exc.message + " " + "；".join(m for v in exc.fields.values() for m in v))
        else:
            messages.success(request, "政策文件已登记。")
            return redirect("ledger:document", pk=document.pk)
    return render(request, "ledger/document_form.html")


# --- policy documents and the implementation report ------------------------------------------------


@login_required
@require_GET
def document_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request, "ledger/document_list.html", {"documents": list(selectors.documents(request.user))}
    )


def _access_document(request: AuthedRequest, pk: int) -> PolicyDocument:
    _require_reader(request)
    document = selectors.documents(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


@login_required
@require_GET
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _access_document(request, pk)
    progress = selectors.document_progress(document, request.user)
    return render(
        request,
        "ledger/document_detail.html",
        {
            "document": document,
            **progress,
            "chart": {
                "categories": [c["category__name"] or "未分类" for c in progress["by_category"]],
                "closed": [c["closed"] for c in progress["by_category"]],
                "open": [c["total"] - c["closed"] for c in progress["by_category"]],
            },
            "source_files": list(attachments_for(document)),
            "is_office": perms.can_manage_ledger(request.user),
            "measures": list(document.measures.only("id", "serial", "title"))
            if perms.can_manage_ledger(request.user)
            else [],
            "all_departments": list(Department.objects.filter(is_active=True).only("id", "name"))
            if perms.can_manage_ledger(request.user)
            else [],
            "categories": list(selectors.categories()),
            "cycles": services.Cycle.choices,
        },
    )


@login_required
@require_GET
def implementation_report(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _access_document(request, pk)
    try:
        on = (
            date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else timezone.localdate()
        )
    except ValueError:
        on = timezone.localdate()
        messages.error(request, "日期格式应为 YYYY-MM-DD，已按今天统计。")
    lines = selectors.implementation_report(document, on, request.user)
    rows = selectors.report_rows(lines)
    title = f"《{document.title}》落实情况（截至{written_date(on)}）"
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return xlsx_response(
            filename=f"落实情况-{on:%Y%m%d}.xlsx",
            title=title,
            headers=selectors.REPORT_HEADERS,
            rows=rows,
            user=request.user,
            audit_action="ledger.implementation_report_export",
            filters={"document": document.pk, "date": str(on)},
            widths=[6, 36, 10, 10, 10, 10, 10, 12],
        )
    if fmt == "docx":
        return _report_docx(request, document, on, title, rows)
    return render(
        request,
        "ledger/implementation_report.html",
        {"document": document, "on": on, "rows": rows, "title": title},
    )


def _report_docx(
    request: AuthedRequest, document: PolicyDocument, on: date, title: str, rows: list
) -> HttpResponse:
    """A plain draft; the official-format bulletin (GB/T 9704) comes with the assessment issue."""
    from docx import Document

    total = rows[-1]
    doc = Document()
    doc.add_heading(title, level=1)
    doc.add_paragraph(
        f"截至{written_date(on)}，《{document.title}》{('（' + document.doc_number + '）') if document.doc_number else ''}"
        f"共明确任务 {total[2]} 项（按牵头单位计），已销号 {total[3]} 项，正常推进 {total[4]} 项，"
        f"黄色预警 {total[5]} 项，红色预警 {total[6]} 项，未按时反馈 {total[7]} 项。各单位落实情况如下："
    )
    table = doc.add_table(rows=1, cols=len(selectors.REPORT_HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, selectors.REPORT_HEADERS, strict=True):
        cell.text = header
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    reds = [r for r in rows[:-1] if r[6]]
    if reds:
        doc.add_paragraph("存在红色预警任务的单位：" + "、".join(f"{r[1]}（{r[6]}项）" for r in reds) + "。")
    doc.add_paragraph(exporter_line(request.user))
    doc.core_properties.author = request.user.get_username()
    doc.core_properties.title = title
    buffer = BytesIO()
    doc.save(buffer)
    audit_record(
        actor=request.user,
        action="ledger.implementation_report_export",
        obj=document,
        after={"date": str(on), "format": "docx", "rows": len(rows) - 1},
        detail=title,
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'落实情况-{on:%Y%m%d}.docx')}"
    return response


# --- category dictionary ---------------------------------------------------------------------------


@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    if request.method == "POST":
        try:
            if request.POST.get("pk"):
                category = get_object_or_404(Category, pk=request.POST["pk"])
                services.category_update(
                    actor=request.user,
                    category=category,
                    name=request.POST.get("name", category.name).strip(),
                    is_active=request.POST.get("is_active") == "1",
                )
            else:
                services.category_create(
                    actor=request.user,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    sort_order=Category.objects.count() + 1,
                )
        except ApplicationError as exc:
            messages.error(request, exc.message + " " + "；".join(m for v in exc.fields.values() for m in v))
        else:
            messages.success(request, "类别已保存。")
        return redirect("ledger:categories")
    return render(
        request, "ledger/categories.html", {"categories": list(selectors.categories(active_only=False))}
    )


__all__ = ["XLSX_TYPE"]
