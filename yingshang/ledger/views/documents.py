"""Policy documents, a task added by hand, the 落实情况 report and the category dictionary."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import file_response, form_errors_message, require, run_action
from yingshang.core.uploads import attachments_for

from .. import permissions as perms
from .. import selectors, services
from ..forms import CategoryForm, DocumentForm, TaskCreateForm
from ..models import Category, PolicyDocument


@login_required
@require_POST
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """营商办 adds a task to a document by hand (the import does it in bulk)."""
    require(perms.can_manage_ledger(request.user))
    document = get_object_or_404(PolicyDocument, pk=pk)
    form = TaskCreateForm(request.POST, document=document)
    if not form.is_valid():
        form_errors_message(request, form)
        return redirect("ledger:document", pk=document.pk)
    created = []
    data = form.cleaned_data
    done = run_action(
        request,
        lambda: created.append(
            services.task_create_in_document(
                actor=request.user,
                document=document,
                measure=form.chosen_measure(),
                measure_title=data["measure_title"],
                measure_serial=data["measure_serial"],
                **form.task_fields(),
            )
        ),
        "任务已建立。",
        form=form,
    )
    if not done:
        return redirect("ledger:document", pk=document.pk)
    return redirect("ledger:task", pk=created[0].pk)


@login_required
def document_create(request: AuthedRequest) -> HttpResponse:
    require(perms.can_manage_ledger(request.user))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        created = []
        if not form.is_valid():
            form_errors_message(request, form)
        elif run_action(
            request,
            lambda: created.append(services.policy_document_create(actor=request.user, **form.cleaned_data)),
            "政策文件已登记。",
            form=form,
        ):
            return redirect("ledger:document", pk=created[0].pk)
    return render(request, "ledger/document_form.html", {"form": form})


@login_required
@require_GET
def document_list(request: AuthedRequest) -> HttpResponse:
    require(perms.can_read_ledger(request.user))
    return render(
        request, "ledger/document_list.html", {"documents": list(selectors.documents(request.user))}
    )


def _access_document(request: AuthedRequest, pk: int) -> PolicyDocument:
    require(perms.can_read_ledger(request.user))
    document = selectors.documents(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


@login_required
@require_GET
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _access_document(request, pk)
    progress = selectors.document_progress(document, request.user)
    is_office = perms.can_manage_ledger(request.user)
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
            "is_office": is_office,
            "measures": list(document.measures.only("id", "serial", "title")) if is_office else [],
            "all_departments": list(selectors.active_departments()) if is_office else [],
            "categories": list(selectors.categories()),
            "cycles": services.Cycle.choices,
        },
    )


def _report_date(request: AuthedRequest) -> date:
    try:
        return date.fromisoformat(request.GET["date"]) if request.GET.get("date") else timezone.localdate()
    except ValueError:
        messages.error(request, "日期格式应为 YYYY-MM-DD，已按今天统计。")
        return timezone.localdate()


@login_required
@require_GET
def implementation_report(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _access_document(request, pk)
    on = _report_date(request)
    rows = selectors.report_rows(selectors.implementation_report(document, on, request.user))
    title = services.implementation_report_title(document, on)
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
        content = services.implementation_report_docx(actor=request.user, document=document, on=on, rows=rows)
        return file_response(content, f"落实情况-{on:%Y%m%d}.docx")
    return render(
        request,
        "ledger/implementation_report.html",
        {"document": document, "on": on, "rows": rows, "title": title},
    )


@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    require(perms.can_manage_ledger(request.user))
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if not form.is_valid():
            form_errors_message(request, form)
        else:
            run_action(request, lambda: _category_save(request, form.cleaned_data), "类别已保存。", form=form)
        return redirect("ledger:categories")
    return render(
        request, "ledger/categories.html", {"categories": list(selectors.categories(active_only=False))}
    )


def _category_save(request: AuthedRequest, data: dict) -> Category:
    if not data["pk"]:
        return services.category_create(
            actor=request.user, code=data["code"], name=data["name"], sort_order=None
        )
    category = get_object_or_404(Category, pk=data["pk"])
    return services.category_update(
        actor=request.user,
        category=category,
        name=data["name"] or category.name,
        is_active=data["is_active"] == "1",
    )
