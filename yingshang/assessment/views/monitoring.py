"""Pages of the business-environment indicator monitoring (营商环境指标监测): the indicators and their
scores, defining one, reporting a value, and turning a weak one into a ledger task."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.http import AuthedRequest
from yingshang.core.pages import form_errors_message, require, run_action, run_form

from .. import evaluation, selectors, services
from .. import permissions as perm
from ..forms import EvaluationIndicatorForm, EvaluationValueForm, TaskFromIndicatorForm
from ..models import EvaluationIndicator


@login_required
@require_GET
def monitoring(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_monitoring(request.user))
    first = request.GET.get("level", "")
    rows = evaluation.monitoring_rows(first if first in evaluation.FIRST_LEVEL else "")
    all_rows = rows if not first else evaluation.monitoring_rows()
    for row in rows:
        row.can_report = perm.can_report_evaluation(request.user, row.indicator)  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/monitoring.html",
        {
            "rows": rows,
            "weakest": evaluation.weakest(all_rows),
            "levels": evaluation.FIRST_LEVEL,
            "level_scores": evaluation.first_level_scores(all_rows),
            "filters": request.GET,
            "periods": evaluation.period_choices(),
            "can_manage": perm.can_manage(request.user),
            "departments": selectors.monitoring_departments(),
            "default_deadline": timezone.localdate().replace(month=12, day=31),
        },
    )


@login_required
@require_POST
def monitoring_indicator_save(request: AuthedRequest) -> HttpResponse:
    require(perm.can_manage(request.user))
    run_form(
        request,
        EvaluationIndicatorForm(request.POST),
        lambda d: services.evaluation_indicator_save(actor=request.user, **d),
        "指标已保存。",
    )
    return redirect("assessment:monitoring")


@login_required
@require_POST
def monitoring_report(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = perm.access_indicator_report(request.user, pk)
    run_form(
        request,
        EvaluationValueForm(request.POST),
        lambda d: services.evaluation_value_report(
            actor=request.user, indicator=indicator, files=request.FILES.getlist("evidence"), **d
        ),
        "监测值已填报。",
    )
    return redirect("assessment:monitoring")


@login_required
@require_POST
def monitoring_to_task(request: AuthedRequest, pk: int) -> HttpResponse:
    require(perm.can_manage(request.user))
    indicator = get_object_or_404(EvaluationIndicator, pk=pk)
    form = TaskFromIndicatorForm(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
        return redirect("assessment:monitoring")
    made: dict[str, Any] = {}

    def make() -> None:
        made["task"] = services.weak_indicator_to_tasks(
            actor=request.user, indicator=indicator, deadline=form.cleaned_data["deadline"]
        )

    if not run_action(request, make, f"已生成台账任务，牵头单位：{indicator.department.name}。", form):
        return redirect("assessment:monitoring")
    return redirect(reverse("ledger:task", args=[made["task"].pk]))
