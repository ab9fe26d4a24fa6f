"""Pages of typical cases: the list, recording one, its page, its steps and whether it may name people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yingshang.core.events import timeline_for
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import Export, list_page, require, run_action, run_form

from .. import permissions as perm
from .. import selectors, services
from ..forms import CaseActionForm, CaseForm, NamesPrintableForm
from ..models import CaseAction, TypicalCase
from ..workflow import CASE
from .common import workflow_step


def _export(names: bool) -> Export:
    def row(o: TypicalCase) -> list[Any]:
        people = services.case_people(o)
        shown = "、".join(p["name"] for p in people) if names else f"{len(people)}人"
        return [
            o.case_date,
            o.title,
            "、".join(d.name for d in o.departments.all()),
            o.get_action_display(),
            shown,
            CASE.label(o.state),
            "是" if o.names_printable else "否",
        ]

    return Export(
        "典型案例",
        ["处理日期", "案例", "涉及单位", "处理方式", "涉及人员", "状态", "可点名"],
        row,
        "typical_case.export",
    )


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_cases(request.user))
    g = request.GET
    qs = selectors.cases(
        request.user, state=g.get("state", ""), action=g.get("action", ""), year=g.get("year", "")
    )
    return list_page(
        request,
        items=qs,
        template="supervision/case_list.html",
        context={
            "states": CASE.states,
            "actions": CaseAction.choices,
            "can_record": perm.can_record_case(request.user),
        },
        export=_export(perm.can_see_case_names(request.user)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    require(perm.can_record_case(request.user))
    form = CaseForm(request.POST if request.method == "POST" else None)
    created: dict[str, Any] = {}

    def create() -> None:
        d = form.cleaned_data
        created["obj"] = services.case_create(
            actor=request.user,
            title=d["title"],
            facts=d["facts"],
            departments=list(d["departments"]),
            people=form.people(),
            action=d["action"],
            action_detail=d["action_detail"],
            case_date=d["case_date"],
            names_printable=d["names_printable"],
        )

    if form.is_valid() and run_action(request, create, "典型案例已登记。", form):
        return redirect("supervision:case_detail", pk=created["obj"].pk)
    return render(
        request,
        "supervision/case_form.html",
        {
            "departments": selectors.active_departments(),
            "actions": CaseAction.choices,
            "form": form,
            "rows": range(3),
        },
    )


@login_required
@require_GET
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_case(request.user, pk)
    names = perm.can_see_case_names(request.user)
    people = services.case_people(obj)
    return render(
        request,
        "supervision/case_detail.html",
        {
            "obj": obj,
            "state_label": CASE.label(obj.state),
            "people": people if names else [],
            "people_count": len(people),
            "show_names": names,
            "actions": [t.action for t in CASE.available(obj, request.user)],
            "can_edit": perm.can_record_case(request.user),
            "timeline": timeline_for(obj),
        },
    )


_case_step = workflow_step(
    perm.access_case, CaseActionForm, services.case_transition, "case", "supervision:case_detail"
)


@login_required
@require_POST
def case_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    if action != "names_printable":
        return _case_step(request, pk, action)
    obj = perm.access_case(request.user, pk)
    run_form(
        request,
        NamesPrintableForm(request.POST),
        lambda d: services.case_set_names_printable(
            actor=request.user, case=obj, printable=d["printable"] == "1"
        ),
        "已保存。",
    )
    return redirect("supervision:case_detail", pk=obj.pk)
