"""The leader dashboard (驾驶舱): one page of charts over pre-aggregated figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from yingshang.audit.events import record as audit_record
from yingshang.core.http import AuthedRequest

from . import figures, selectors
from .permissions import can_refresh, can_view_dashboard


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    ctx = selectors.dashboard(request.user)
    ctx["can_refresh"] = can_refresh(request.user)
    return render(request, "dashboard/index.html", ctx)


@login_required
@require_POST
def refresh(request: AuthedRequest) -> HttpResponse:
    if not can_refresh(request.user):
        raise PermissionDenied
    rows = figures.refresh()
    audit_record(actor=request.user, action="dashboard.refresh", detail=f"{rows} rows")
    messages.success(request, "驾驶舱数据已刷新。")
    return redirect("dashboard:index")
