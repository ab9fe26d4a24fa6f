"""The departments' handling rates: the table, its Excel export and the drill-down to the appeals counted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.masking import mask_phone
from yingshang.core.office_settings import get_setting
from yingshang.core.pages import paginate, query_string, require
from yingshang.org.models import Department
from yingshang.org.scope import department_ids

from .. import rates
from ..permissions import can_view_rates


def _period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET["start"])
        end = date.fromisoformat(request.GET["end"])
        if end < start:
            raise ValueError
        return start, end, f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    except (KeyError, ValueError):
        pass
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        if not 1 <= quarter <= 4:
            raise ValueError
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1).replace(day=1)
    return start, end - timedelta(days=1), f"{year}年第{quarter}季度"


def _rate_rows(user: Any, start: date, end: date) -> list[dict[str, Any]]:
    ids = department_ids(user)
    table = rates.all_rates(start, end, department_ids=ids)
    dept_ids = set().union(*(table[k].keys() for k in rates.RATES))
    names = {d.pk: d.display_name for d in Department.objects.filter(pk__in=dept_ids)}
    rows = []
    for dept_id in dept_ids:
        rows.append(
            {
                "department_id": dept_id,
                "department": names.get(dept_id, dept_id),
                "figures": {k: table[k].get(dept_id) for k in rates.RATES},
                "cells": [{"key": k, "figure": table[k].get(dept_id)} for k in rates.RATES],
                "composite": table["composite"].get(dept_id),
                "composite_pct": None
                if table["composite"].get(dept_id) is None
                else round(table["composite"][dept_id] * 100, 2),
            }
        )
    rows.sort(key=lambda row: (row["composite"] is None, -(row["composite"] or 0), str(row["department"])))
    return rows


@login_required
def rates_page(request: AuthedRequest) -> HttpResponse:
    require(can_view_rates(request.user))
    start, end, label = _period(request)
    return render(
        request,
        "appeals/rates.html",
        {
            "rows": _rate_rows(request.user, start, end),
            "rate_names": rates.RATES,
            "start": start,
            "end": end,
            "label": label,
            "year": start.year,
            "quarter": (start.month - 1) // 3 + 1,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 1),
            "weights": {
                k: get_setting(f"appeals.rate_weight_{k}") for k in ("response", "resolution", "satisfaction")
            },
            "basic_weight": get_setting("appeals.rate_basic_weight"),
        },
    )


def _pct(figure: rates.RateFigure | None) -> str:
    if figure is None or figure.value is None:
        return "—"
    return f"{figure.value * 100:.2f}%"


@login_required
def rates_export(request: AuthedRequest) -> HttpResponse:
    require(can_view_rates(request.user))
    start, end, label = _period(request)
    rows = []
    for row in _rate_rows(request.user, start, end):
        line: list[Any] = [row["department"]]
        for key in rates.RATES:
            figure = row["figures"][key]
            line += [
                _pct(figure),
                round(figure.numerator, 2) if figure else "",
                figure.denominator if figure else "",
            ]
        line.append("—" if row["composite"] is None else round(row["composite"] * 100, 2))
        rows.append(line)
    headers = ["单位"]
    for name in rates.RATES.values():
        headers += [name, f"{name}分子", f"{name}分母"]
    headers.append("综合得分")
    return xlsx_response(
        filename=f"诉求办理指标_{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        title=f"企业诉求办理指标（{label}）",
        headers=headers,
        rows=rows,
        user=request.user,
        audit_action="appeal.rates_export",
        filters={"start": start.isoformat(), "end": end.isoformat()},
    )


@login_required
def rates_drill(request: AuthedRequest) -> HttpResponse:
    require(can_view_rates(request.user))
    rate = request.GET.get("rate", "")
    part = request.GET.get("part", "denominator")
    if rate not in rates.RATES or part not in {"numerator", "denominator", "basic", "satisfied"}:
        raise Http404
    try:
        department_id = int(request.GET.get("department", ""))
    except ValueError as exc:
        raise Http404 from exc
    ids = department_ids(request.user)
    if ids is not None and department_id not in ids:
        raise Http404
    department = get_object_or_404(Department, pk=department_id)
    start, end, label = _period(request)
    qs = rates.rate_records(rate, part, department_id, start, end).order_by("-received_at", "-id")
    page = paginate(request, qs)
    return render(
        request,
        "appeals/drill.html",
        {
            "page": page,
            "rows": [{"appeal": a, "phone": mask_phone(a.contact_phone)} for a in page.object_list],
            "department": department,
            "rate_name": rates.RATES[rate],
            "part_name": {
                "numerator": "分子",
                "denominator": "分母",
                "basic": "基本满意",
                "satisfied": "满意",
            }[part],
            "label": label,
            "query": query_string(request),
        },
    )
