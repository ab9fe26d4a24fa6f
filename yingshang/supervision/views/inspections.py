"""Pages of inspections (明察暗访) and the problems they found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from yingshang.core.events import timeline_for
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import Export, list_page, require, run_action, run_form
from yingshang.core.uploads import attachments_for

from .. import permissions as perm
from .. import selectors, services
from ..forms import FindingActionForm, FindingForm, InspectionForm
from ..models import Inspection
from ..workflow import FINDING
from .common import filter_date, workflow_step

INSPECTION_EXPORT = Export(
    "明察暗访记录",
    ["检查日期", "方式", "检查地点", "检查组成员", "检查情况", "发现问题数"],
    lambda o: [o.date, o.get_mode_display(), o.place, o.team, o.summary, o.finding_count],
    "inspection.export",
)
FINDING_EXPORT = Export(
    "明察暗访问题整改台账",
    ["登记时间", "问题描述", "责任单位", "整改时限", "状态", "整改情况", "复核意见"],
    lambda o: [
        o.created_at,
        o.description,
        o.department.name,
        o.rectification_deadline,
        FINDING.label(o.state),
        o.report,
        o.verify_note,
    ],
    "finding.export",
)


@login_required
@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_inspection(request.user))
    g = request.GET
    qs = selectors.inspections(
        request.user,
        mode=g.get("mode", ""),
        date_from=g.get("from", "") if filter_date(g.get("from")) else "",
        date_to=g.get("to", "") if filter_date(g.get("to")) else "",
    )
    return list_page(
        request,
        items=qs,
        template="supervision/inspection_list.html",
        context={"modes": Inspection.Mode.choices, "can_record": perm.can_record_inspection(request.user)},
        export=INSPECTION_EXPORT,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthedRequest) -> HttpResponse:
    require(perm.can_record_inspection(request.user))
    form = InspectionForm(request.POST if request.method == "POST" else None)
    created: dict[str, Any] = {}

    def create() -> None:
        d = form.cleaned_data
        created["obj"] = services.inspection_create(
            actor=request.user,
            date=d["date"],
            place=d["place"],
            team=d["team"],
            mode=d["mode"] or Inspection.Mode.OPEN,
            summary=d["summary"],
            photos=request.FILES.getlist("photos"),
        )

    if form.is_valid() and run_action(request, create, "检查记录已登记，可继续登记发现的问题。", form):
        return redirect("supervision:inspection_detail", pk=created["obj"].pk)
    return render(
        request,
        "supervision/inspection_form.html",
        {"modes": Inspection.Mode.choices, "form": form, "today": timezone.localdate()},
    )


def _inspection_post(request: AuthedRequest, obj: Inspection) -> None:
    require(perm.can_record_inspection(request.user))
    if request.POST.get("what") == "photos":
        run_action(
            request,
            lambda: services.inspection_add_photos(
                actor=request.user, inspection=obj, photos=request.FILES.getlist("photos")
            ),
            "照片已上传。",
        )
        return
    run_form(
        request,
        FindingForm(request.POST),
        lambda d: services.finding_create(actor=request.user, inspection=obj, **d),
        "问题已交办责任单位。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_inspection(request.user, pk)
    if request.method == "POST":
        _inspection_post(request, obj)
        return redirect("supervision:inspection_detail", pk=obj.pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "obj": obj,
            "findings": selectors.findings_of_inspection(obj),
            "photos": attachments_for(obj).filter(purpose="photo"),
            "departments": selectors.active_departments(),
            "can_record": perm.can_record_inspection(request.user),
            "states": FINDING.states,
            "default_deadline": timezone.localdate() + dt.timedelta(days=14),
        },
    )


@login_required
@require_GET
def finding_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.findings(request.user, state=g.get("state", ""), department=g.get("department", ""))
    return list_page(
        request,
        items=qs,
        template="supervision/finding_list.html",
        context={"states": FINDING.states, "departments": selectors.active_departments()},
        export=FINDING_EXPORT,
    )


@login_required
@require_GET
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_finding(request.user, pk)
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "obj": obj,
            "state_label": FINDING.label(obj.state),
            "actions": [t.action for t in FINDING.available(obj, request.user, perm.PREDICATES)],
            "timeline": timeline_for(obj),
            "evidence": attachments_for(obj).filter(purpose="evidence"),
            "orders": selectors.orders_for_item(obj),
            "can_see_inspection": perm.can_view_inspection(request.user),
            "ref": f"supervision.finding:{obj.pk}",
        },
    )


finding_act = workflow_step(
    perm.access_finding,
    FindingActionForm,
    services.finding_transition,
    "finding",
    "supervision:finding_detail",
    files=("evidence", "evidence"),
)
