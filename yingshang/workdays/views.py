"""The office's working-day calendar page: a year's status, its overrides, add/remove one day, and the bulk
entry of a whole year's announced schedule. Office role only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.errors import ValidationFailed
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import require, run_action

from . import selectors, services
from .forms import OverrideForm, YearEnterForm, YearMarkForm
from .permissions import can_manage_calendar


def _year(raw: Any, default: int) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else default


def _page(
    request: AuthedRequest,
    year: int,
    *,
    override_form: OverrideForm | None = None,
    enter_form: YearEnterForm | None = None,
    error: str = "",
    error_lines: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    this_year = timezone.localdate().year
    overrides = list(selectors.overrides_for_year(year))
    context = {
        "year": year,
        "years": list(range(this_year - 2, this_year + 3)),
        "status": selectors.year_status(year),
        "overrides": overrides,
        "special_days": selectors.special_days(year, overrides),
        "override_form": override_form or OverrideForm(),
        "enter_form": enter_form or YearEnterForm(initial={"year": year, "complete": True}),
        "error": error,
        "error_lines": error_lines or [],
    }
    return render(request, "workdays/calendar.html", context, status=status)


@login_required
@require_GET
def calendar_page(request: AuthedRequest) -> HttpResponse:
    require(can_manage_calendar(request.user))
    return _page(request, _year(request.GET.get("year"), timezone.localdate().year))


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workdays:calendar')}?year={year}")


@login_required
@require_POST
def override_add(request: AuthedRequest) -> HttpResponse:
    require(can_manage_calendar(request.user))
    form = OverrideForm(request.POST)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    if not form.is_valid():
        return _page(request, year, override_form=form, error="请检查填写的日期和类型。", status=422)
    day = form.cleaned_data["day"]
    try:
        services.calendar_override_set(
            actor=request.user,
            day=day,
            is_workday=form.cleaned_data["kind"] == "work",
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as exc:
        return _page(request, day.year, override_form=form, error=exc.message, status=422)
    messages.success(
        request, f"已将 {day:%Y-%m-%d} 调整为{'上班' if form.cleaned_data['kind'] == 'work' else '休息'}。"
    )
    return _back(day.year)


@login_required
@require_POST
def override_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_manage_calendar(request.user))
    year = _year(request.POST.get("year"), timezone.localdate().year)
    run_action(
        request,
        lambda: services.calendar_override_remove(actor=request.user, override_id=pk),
        "已删除该调整，恢复按国家安排（或周一至周五）计算。",
    )
    return _back(year)


@login_required
@require_POST
def year_enter(request: AuthedRequest) -> HttpResponse:
    require(can_manage_calendar(request.user))
    form = YearEnterForm(request.POST)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    if not form.is_valid():
        return _page(request, year, enter_form=form, error="请填写年度和放假安排。", status=422)
    try:
        lines = services.calendar_year_enter(
            actor=request.user,
            year=form.cleaned_data["year"],
            text=form.cleaned_data["text"],
            complete=form.cleaned_data["complete"],
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as exc:
        return _page(
            request,
            form.cleaned_data["year"],
            enter_form=form,
            error=exc.message,
            error_lines=list(exc.fields.get("text", [])),
            status=422,
        )
    messages.success(
        request,
        f"已录入 {form.cleaned_data['year']} 年放假安排 {len(lines)} 天，相关期限已按新安排重新计算。",
    )
    return _back(form.cleaned_data["year"])


@login_required
@require_POST
def year_mark(request: AuthedRequest) -> HttpResponse:
    require(can_manage_calendar(request.user))
    form = YearMarkForm(request.POST)
    if not form.is_valid():
        return _page(request, timezone.localdate().year, error="年度无效。", status=422)
    year = form.cleaned_data["year"]
    try:
        services.calendar_year_mark(
            actor=request.user,
            year=year,
            complete=form.cleaned_data["complete"],
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as exc:
        return _page(request, year, error=exc.message, status=422)
    messages.success(
        request,
        f"{year} 年已标记为{'已录入全年安排' if form.cleaned_data['complete'] else '未录入，暂按周一至周五推算'}。",
    )
    return _back(year)
