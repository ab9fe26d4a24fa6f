"""The appeals queue (filtered, paged, exported) and the clock shown beside each appeal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yingshang.core.http import AuthedRequest
from yingshang.core.masking import mask_phone
from yingshang.core.pages import Export, paginate, query_string
from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.org.scope import department_ids

from .. import deadlines, selectors
from ..models import Appeal, Category, Source

FILTER_KEYS = (
    "state",
    "department",
    "category",
    "source",
    "urgent",
    "overdue",
    "duplicates",
    "q",
    "start",
    "end",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS if request.GET.get(k, "").strip()}
    for bound in ("start", "end"):
        if bound in filters:
            # The request guard let through an ISO date, possibly with a time: these filters are by day.
            filters[bound] = filters[bound][:10]
    return filters


def clock(appeal: Appeal, now: datetime) -> dict[str, Any] | None:
    """The clock running for the department holding the appeal: to sign, then to answer."""
    if appeal.state == Appeal.State.DISPATCHED:
        left = deadlines.time_left(appeal.sign_deadline, now)
        return {**left, "clock": "签收", "provisional": appeal.sign_deadline_provisional} if left else None
    if appeal.state == Appeal.State.SIGNED:
        left = deadlines.time_left(appeal.reply_deadline, now)
        return {**left, "clock": "答复", "provisional": appeal.reply_deadline_provisional} if left else None
    return None


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    page = paginate(request, selectors.appeal_list(request.user, filters))
    now = timezone.now()
    context = {
        "page": page,
        "rows": [
            {"appeal": a, "clock": clock(a, now), "phone": mask_phone(a.contact_phone)}
            for a in page.object_list
        ],
        "filters": filters,
        "query": query_string(request),
        "states": Appeal.State.choices,
        "categories": Category.choices,
        "sources": Source.choices,
        "departments": Department.objects.filter(is_active=True).only("pk", "name", "short_name")
        if department_ids(request.user) is None
        else [],
        "is_enterprise": request.user.has_role(r.ENTERPRISE),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "appeals/list.html#table", context)
    return render(request, "appeals/list.html", context)


def _export_row(now: datetime) -> Callable[[Appeal], list[Any]]:
    def row(a: Appeal) -> list[Any]:
        left = clock(a, now)
        return [
            a.tracking_code,
            a.received_at,
            a.get_category_display() + ("（紧急）" if a.urgent else ""),
            a.title,
            a.enterprise_name,
            a.contact_name,
            mask_phone(a.contact_phone),
            a.state_label,
            str(a.main_department or ""),
            left["label"] if left else "",
            "是" if a.duplicate_of_id else "",
        ]

    return row


@login_required
def appeal_export(request: AuthedRequest) -> HttpResponse:
    export = Export(
        "企业诉求工单",
        [
            "查询码",
            "受理时间",
            "类型",
            "标题",
            "企业",
            "联系人",
            "联系电话",
            "状态",
            "主办单位",
            "时限",
            "重复",
        ],
        _export_row(timezone.now()),
        "appeal.export",
        widths=[18, 18, 10, 30, 28, 10, 14, 10, 20, 16, 6],
    )
    return export.response(request, selectors.appeal_list(request.user, _filters(request))[:50000])
