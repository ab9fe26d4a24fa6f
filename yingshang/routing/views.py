"""Office pages of smart dispatch: the model (quality, versions, retrain, roll back) and hotspots."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yingshang.core.errors import ValidationFailed
from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.office_settings import get_setting
from yingshang.core.pages import require, run_action

from . import selectors, services
from .models import RoutingModel
from .permissions import can_manage_routing_model, can_view_hotspots


@login_required
def model_page(request: AuthedRequest) -> HttpResponse:
    require(can_manage_routing_model(request.user))
    active = selectors.active_model()
    selected = active
    if request.GET.get("version"):
        selected = get_object_or_404(RoutingModel, version=request.GET["version"])
    context = {
        "active": active,
        "selected": selected,
        "quality": selectors.quality_of(selected) if selected else None,
        "versions": selectors.model_versions()[:30],
        "run": selectors.latest_training_run(),
        "auto": selectors.auto_dispatch_summary(),
        "auto_enabled": get_setting("routing.auto_dispatch_enabled"),
        "auto_threshold": get_setting("routing.auto_dispatch_threshold"),
    }
    return render(request, "routing/model.html", context)


@login_required
def training_progress(request: AuthedRequest) -> HttpResponse:
    require(can_manage_routing_model(request.user))
    return render(request, "routing/model.html#progress", {"run": selectors.latest_training_run()})


@login_required
@require_POST
def retrain(request: AuthedRequest) -> HttpResponse:
    require(can_manage_routing_model(request.user))
    run_action(
        request,
        lambda: services.training_run_request(actor=request.user),
        "已发起重新训练，完成后自动启用新模型。",
    )
    return redirect("routing:model")


@login_required
@require_POST
def activate(request: AuthedRequest, version: str) -> HttpResponse:
    require(can_manage_routing_model(request.user))
    model = get_object_or_404(RoutingModel, version=version)
    run_action(
        request,
        lambda: services.model_activate(actor=request.user, model=model),
        f"已启用模型版本 {model.version}。",
    )
    return redirect("routing:model")


@login_required
@require_POST
def rollback(request: AuthedRequest) -> HttpResponse:
    require(can_manage_routing_model(request.user))
    try:
        model = services.model_rollback(actor=request.user)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已回退到模型版本 {model.version}。")
    return redirect("routing:model")


def _window(request: AuthedRequest) -> int:
    try:
        days = int(request.GET.get("days") or get_setting("routing.hotspot_window_days"))
    except ValueError:
        days = int(get_setting("routing.hotspot_window_days"))
    return max(1, min(days, 365))


@login_required
def hotspot_list(request: AuthedRequest) -> HttpResponse:
    require(can_view_hotspots(request.user))
    days = _window(request)
    hotspots, as_of = services.hotspots_current(window_days=days)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename="热点诉求.xlsx",
            title=f"热点诉求（近 {days} 天）",
            headers=["序号", "诉求数", "后半段", "前半段", "增长倍数", "关键词", "地点", "示例标题"],
            rows=[
                [
                    i + 1,
                    h.size,
                    h.recent,
                    h.earlier,
                    h.growth,
                    "、".join(h.top_words),
                    "、".join(h.places),
                    h.sample_title,
                ]
                for i, h in enumerate(hotspots)
            ],
            user=request.user,
            audit_action="routing.hotspots_export",
            filters={"days": days},
        )
    return render(request, "routing/hotspots.html", {"hotspots": hotspots, "days": days, "as_of": as_of})


@login_required
def hotspot_detail(request: AuthedRequest, anchor: int) -> HttpResponse:
    """A hotspot is named by its smallest appeal id, in the same computed result as the list."""
    require(can_view_hotspots(request.user))
    days = _window(request)
    hotspots, _ = services.hotspots_current(window_days=days)
    hotspot = next((h for h in hotspots if h.anchor == anchor), None)
    if hotspot is None:
        raise Http404
    appeals = selectors.appeals_of(hotspot.ids, request.user)
    return render(
        request, "routing/hotspot_detail.html", {"hotspot": hotspot, "appeals": appeals, "days": days}
    )
