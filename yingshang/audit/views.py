from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import require

from . import selectors, services
from .forms import AuditSearchForm
from .labels import action_label, object_type_label, roles_label
from .permissions import can_export_audit_log, can_verify_audit_chain, can_view_audit_log

PAGE_SIZE = 50
# A larger export is refused with a request to narrow the filters (the workbook is built in memory).
EXPORT_MAX_ROWS = 50_000
EXPORT_HEADERS = [
    "编号",
    "时间",
    "账号",
    "角色",
    "单位",
    "IP地址",
    "终端",
    "请求号",
    "操作",
    "对象类型",
    "对象ID",
    "变更前",
    "变更后",
    "说明",
]


def _search(request: AuthedRequest) -> tuple[AuditSearchForm, dict[str, Any]]:
    form = AuditSearchForm(request.GET or None)
    return form, form.filters()


def _page_number(request: AuthedRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
@require_GET
def records(request: AuthedRequest) -> HttpResponse:
    require(can_view_audit_log(request.user))
    form, filters = _search(request)
    number = _page_number(request)
    rows: list = []
    if not form.is_bound or form.is_valid():
        # No COUNT(*): at twenty million records a count costs more than the page; one extra row says
        # whether a next page exists.
        offset = (number - 1) * PAGE_SIZE
        rows = list(selectors.audit_records(request.user, **filters)[offset : offset + PAGE_SIZE + 1])
    query = {k: v for k, v in request.GET.items() if k != "page"}
    context = {
        "form": form,
        "rows": rows[:PAGE_SIZE],
        "page": number,
        "has_next": len(rows) > PAGE_SIZE,
        "query": urlencode(query),
        "status": selectors.chain_status(),
        "verifications": selectors.latest_verifications(request.user, limit=3),
    }
    if getattr(request, "htmx", False):
        return render(request, "audit/records.html#results", context)
    return render(request, "audit/records.html", context)


@login_required
@require_GET
def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_view_audit_log(request.user))
    found = selectors.audit_record_detail(request.user, pk)
    if found is None:
        raise Http404
    record, seal, intact = found
    return render(
        request,
        "audit/record_detail.html",
        {
            "record": record,
            "seal": seal,
            "intact": intact,
            "before": _json(record.before),
            "after": _json(record.after),
        },
    )


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    require(can_export_audit_log(request.user))
    form, filters = _search(request)
    back = f"{reverse('audit:records')}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，请修改后再导出。")
        return redirect(back)
    qs = selectors.audit_records(request.user, **filters)
    if qs[: EXPORT_MAX_ROWS + 1].count() > EXPORT_MAX_ROWS:
        messages.error(
            request, f"符合条件的记录超过 {EXPORT_MAX_ROWS:,} 条，请缩小时间范围或增加条件后再导出。"
        )
        return redirect(back)
    rows = (
        (
            r.pk,
            r.at,
            r.actor_username,
            roles_label(r.actor_roles),
            r.actor_department,
            r.ip,
            r.user_agent,
            r.request_id,
            action_label(r.action),
            object_type_label(r.object_type),
            r.object_id,
            _json(r.before),
            _json(r.after),
            r.detail,
        )
        for r in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(
        filename=f"审计日志_{timezone.localtime():%Y%m%d%H%M}.xlsx",
        title="审计日志",
        headers=EXPORT_HEADERS,
        rows=rows,
        user=request.user,
        audit_action="audit.export",
        filters={k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items()},
        widths=[10, 20, 14, 16, 20, 16, 24, 20, 22, 18, 12, 40, 40, 30],
    )


@login_required
@require_POST
def verify(request: AuthedRequest) -> HttpResponse:
    require(can_verify_audit_chain(request.user))
    services.verification_request(actor=request.user)
    messages.success(request, "已开始校验审计链，结果将显示在“审计链状态”中。")
    return redirect("audit:records")
