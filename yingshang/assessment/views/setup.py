"""Pages of what an assessment is computed from: indicator sets and bonus items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from yingshang.core.http import AuthedRequest
from yingshang.core.pages import list_page, require, run_action, run_form

from .. import measures, selectors, services
from .. import permissions as perm
from ..forms import BonusItemForm, DecisionForm, IndicatorSetForm
from ..models import BonusItem, Indicator, IndicatorSet
from ..ranking import GROUPS


def _saved_rows(instance: IndicatorSet | None) -> list[dict[str, Any]]:
    return [
        {
            "measure": i.measure,
            "name": i.name,
            "kind": i.kind,
            "weight": i.weight,
            "higher_is_better": i.higher_is_better,
            "points_per_item": i.points_per_item,
        }
        for i in (instance.indicators.all() if instance else [])
    ]


def _blank_rows(used: set[str]) -> list[dict[str, Any]]:
    """Two empty rows for measures the set does not use yet."""
    return [
        {
            "measure": "",
            "name": "",
            "kind": d.kind,
            "weight": "",
            "higher_is_better": d.higher_is_better,
            "points_per_item": 1,
            "suggest": k,
        }
        for k, d in measures.REGISTRY.items()
        if k not in used
    ][:2]


@login_required
@require_http_methods(["GET", "POST"])
def indicator_set_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(perm.can_view_assessment(request.user))
    instance = get_object_or_404(IndicatorSet, pk=pk) if pk else None
    rows = _saved_rows(instance)
    if request.method == "POST":
        require(perm.can_manage(request.user))
        form = IndicatorSetForm(request.POST)
        form.is_valid()
        saved: dict[str, Any] = {}

        def save() -> None:
            saved["set"] = services.indicator_set_save(
                actor=request.user, indicator_set=instance, **form.service_kwargs()
            )

        if run_action(request, save, "指标体系已保存。", form):
            return redirect("assessment:set_edit", pk=saved["set"].pk)
        rows = form.indicator_rows()
    ctx = {
        "instance": instance,
        "rows": rows + _blank_rows({row["measure"] for row in rows}),
        "choices": measures.choices(),
        "kinds": [(k.value, k.label) for k in Indicator.Kind],
        "groups": GROUPS,
        "post": request.POST if request.method == "POST" else None,
        "sets": selectors.indicator_sets(),
        "can_manage": perm.can_manage(request.user),
        "registry": measures.REGISTRY,
    }
    return render(request, "assessment/indicator_set.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def bonus_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_assessment(request.user))
    if request.method == "POST":
        require(perm.can_manage(request.user))
        run_form(
            request,
            BonusItemForm(request.POST),
            lambda d: services.bonus_item_create(actor=request.user, **d),
            "加分事项已登记，待认定。",
        )
        return redirect("assessment:bonus_list")
    qs = selectors.bonus_items(
        request.user, status=request.GET.get("status", ""), department=request.GET.get("department", "")
    )
    return list_page(
        request,
        items=qs,
        template="assessment/bonus_list.html",
        context={
            "statuses": BonusItem.State.choices,
            "departments": selectors.bonus_departments(),
            "can_manage": perm.can_manage(request.user),
        },
    )


@login_required
@require_POST
def bonus_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    require(perm.can_manage(request.user))
    item = get_object_or_404(BonusItem, pk=pk)
    run_form(
        request,
        DecisionForm(request.POST),
        lambda d: services.bonus_item_decide(
            actor=request.user, item=item, approve=d["action"] == "approve", note=d["note"]
        ),
        "已审核。",
    )
    return redirect("assessment:bonus_list")
