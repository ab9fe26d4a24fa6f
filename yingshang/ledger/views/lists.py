"""The ledger list with its saved filters and exports, my tasks and the review queue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.office_settings import get_setting
from yingshang.core.pages import paginate, require, run_action

from .. import permissions as perms
from .. import selectors, services
from .. import warnings as w
from .. import workflow as wf
from ..forms import SavedFilterForm
from ..models import ExportJob, PolicyDocument, SavedFilter

PAGE_SIZE = 50


def _filter_query(request: AuthedRequest) -> str:
    params = {k: v for k, v in request.GET.items() if k in selectors.TaskFilters.FIELDS and v}
    return urlencode(params)


@login_required
@require_GET
def task_list(request: AuthedRequest) -> HttpResponse:
    require(perms.can_read_ledger(request.user))
    filters = selectors.TaskFilters.from_query(request.GET)
    page = paginate(request, selectors.task_list(request.user, filters), PAGE_SIZE)
    ctx: dict[str, Any] = {
        "rows": selectors.task_rows(page.object_list),
        "page": page,
        "query": _filter_query(request),
        # "/ledger/tasks/": each row links to prefix + id, not a URL reverse per row.
        "task_url": reverse("ledger:task", args=[0])[:-2],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "ledger/task_list.html#results", ctx)
    ctx.update(
        filters=filters,
        states=wf.TASK_STATES,
        levels=w.LEVEL_LABELS,
        saved=list(selectors.saved_filters(request.user)),
        document_choices=[
            (d.pk, Truncator(d.title).chars(30)) for d in PolicyDocument.objects.only("id", "title")
        ],
        department_choices=list(selectors.departments_for_filter(request.user).values_list("id", "name")),
        category_choices=[(c.pk, c.name) for c in selectors.categories()],
    )
    return render(request, "ledger/task_list.html", ctx)


@login_required
@require_POST
def saved_filter_save(request: AuthedRequest) -> HttpResponse:
    require(perms.can_read_ledger(request.user))
    form = SavedFilterForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    run_action(
        request,
        lambda: services.saved_filter_save(actor=request.user, name=data["name"], query=data["query"]),
        "常用筛选已保存。",
        form=form,
    )
    return redirect(reverse("ledger:list") + "?" + data["query"])


@login_required
@require_POST
def saved_filter_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    run_action(
        request, lambda: services.saved_filter_delete(actor=request.user, saved=saved), "常用筛选已删除。"
    )
    return redirect("ledger:list")


@login_required
@require_GET
def task_export(request: AuthedRequest) -> HttpResponse:
    """Exactly what the list shows with these filters, in its order, in the import layout plus status."""
    require(perms.can_read_ledger(request.user))
    filters = selectors.TaskFilters.from_query(request.GET)
    qs = selectors.task_list(request.user, filters)
    total = qs.count()
    if total > int(get_setting("ledger_export_sync_rows")):
        job = services.export_job_create(actor=request.user, query=_filter_query(request))
        messages.info(request, f"共 {total} 条，正在后台生成导出文件。")
        return redirect("ledger:export_job", pk=job.pk)
    rows = (selectors.export_row(row) for row in selectors.task_rows(qs.iterator(chunk_size=2000)))
    return xlsx_response(
        filename=f"{services.EXPORT_TITLE}-{timezone.localdate():%Y%m%d}.xlsx",
        title=services.EXPORT_TITLE,
        headers=selectors.EXPORT_HEADERS,
        rows=rows,
        user=request.user,
        audit_action="ledger.export",
        filters=filters.as_dict(),
        widths=services.EXPORT_WIDTHS,
    )


@login_required
@require_GET
def export_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    ctx = {
        "job": job,
        "percent": int(job.done * 100 / job.total) if job.total else 0,
        "status": ExportJob.Status,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "ledger/export_job.html#progress", ctx)
    return render(request, "ledger/export_job.html", ctx)


@login_required
@require_GET
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    services.export_downloaded(actor=request.user, job=job)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


@login_required
@require_GET
def my_tasks(request: AuthedRequest) -> HttpResponse:
    require(perms.can_read_ledger(request.user))
    groups = selectors.my_task_groups(request.user, timezone.localdate())
    ctx = {**groups, "co_tasks": list(selectors.co_tasks(request.user)[:200]), "levels": w.LEVEL_LABELS}
    return render(request, "ledger/my_tasks.html", ctx)


@login_required
@require_GET
def review_queue(request: AuthedRequest) -> HttpResponse:
    require(perms.can_review(request.user))
    tasks = list(selectors.review_queue(request.user))
    pending = selectors.pending_close_outs(tasks)
    return render(
        request,
        "ledger/review_queue.html",
        {
            "items": [(t, pending.get(t.pk)) for t in tasks],
            "extensions": list(selectors.pending_extensions(request.user)),
            "reports": list(selectors.pending_reports(request.user)),
        },
    )
