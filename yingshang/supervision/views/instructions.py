"""Pages of leader instructions: the list, writing one, its page and its steps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from yingshang.core.events import timeline_for
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import Export, list_page, require, run_action

from .. import permissions as perm
from .. import selectors, services
from ..forms import InstructionActionForm, InstructionForm
from ..workflow import INSTRUCTION
from .common import target_url, workflow_step

INSTRUCTION_EXPORT = Export(
    "领导批示办理台账",
    ["批示时间", "批示领导", "批示内容", "相关事项", "承办单位", "办理时限", "状态", "办理情况"],
    lambda o: [
        o.created_at,
        str(o.leader),
        o.content,
        o.target_label,
        o.department.name,
        o.deadline,
        INSTRUCTION.label(o.state),
        o.reply,
    ],
    "instruction.export",
)


@login_required
@require_GET
def instruction_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.instructions(
        request.user, state=g.get("state", ""), department=g.get("department", ""), q=g.get("q", "").strip()
    )
    return list_page(
        request,
        items=qs,
        template="supervision/instruction_list.html",
        context={
            "states": INSTRUCTION.states,
            "departments": selectors.active_departments(),
            "can_write": perm.can_write_instruction(request.user),
        },
        export=INSTRUCTION_EXPORT,
    )


@login_required
@require_http_methods(["GET", "POST"])
def instruction_create(request: AuthedRequest) -> HttpResponse:
    require(perm.can_write_instruction(request.user))
    form = InstructionForm(request.POST if request.method == "POST" else None)
    created: dict[str, Any] = {}
    if form.is_valid() and run_action(
        request,
        lambda: created.setdefault(
            "obj", services.instruction_create(actor=request.user, **form.cleaned_data)
        ),
        "批示已交办。",
        form,
    ):
        return redirect("supervision:instruction_detail", pk=created["obj"].pk)
    return render(
        request,
        "supervision/instruction_form.html",
        {"departments": selectors.active_departments(), "form": form},
    )


@login_required
@require_GET
def instruction_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_instruction(request.user, pk)
    return render(
        request,
        "supervision/instruction_detail.html",
        {
            "obj": obj,
            "state_label": INSTRUCTION.label(obj.state),
            "actions": [t.action for t in INSTRUCTION.available(obj, request.user, perm.PREDICATES)],
            "timeline": timeline_for(obj),
            "orders": selectors.orders_for_item(obj),
            "target_url": target_url(request, obj),
            "ref": f"supervision.instruction:{obj.pk}",
        },
    )


instruction_act = workflow_step(
    perm.access_instruction,
    InstructionActionForm,
    services.instruction_transition,
    "instruction",
    "supervision:instruction_detail",
)
