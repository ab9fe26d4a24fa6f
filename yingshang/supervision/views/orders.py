"""Pages of supervision orders, and of one supervised item of any type (its orders, instructions and
reminders, with the forms to issue an order, remind, or write an instruction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from yingshang.core.events import timeline_for
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import Export, file_response, list_page, require, run_form
from yingshang.core.uploads import attachments_for

from .. import permissions as perm
from .. import selectors, services, targets
from ..forms import InstructionForm, OrderActionForm, OrderIssueForm, RemindForm
from ..models import Level, SupervisionOrder
from ..workflow import ORDER, ORDER_OPEN
from .common import target_url, workflow_step

ORDER_EXPORT = Export(
    "督办单台账",
    [
        "编号",
        "督办级别",
        "督办事项",
        "责任单位",
        "督办要求",
        "答复时限",
        "状态",
        "下发时间",
        "答复时间",
        "答复内容",
    ],
    lambda o: [
        o.number,
        o.get_level_display(),
        o.target_label,
        o.department.name,
        o.requirement,
        o.reply_deadline,
        ORDER.label(o.state),
        o.issued_at,
        o.answered_at,
        o.reply,
    ],
    "supervision_order.export",
)


@login_required
@require_GET
def order_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.orders(
        request.user,
        state=g.get("state", ""),
        level=g.get("level", ""),
        department=g.get("department", ""),
        year=g.get("year", ""),
        q=g.get("q", "").strip(),
    )
    return list_page(
        request,
        items=qs,
        template="supervision/order_list.html",
        context={
            "states": ORDER.states,
            "levels": Level.choices,
            "departments": selectors.active_departments(),
            "types": [(k, t.label) for k, t in targets.REGISTRY.items() if t.orderable],
            "can_issue": perm.can_issue_order(request.user),
        },
        export=ORDER_EXPORT,
    )


@login_required
@require_GET
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = perm.access_order(request.user, pk)
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "state_label": ORDER.label(order.state),
            "actions": [t.action for t in ORDER.available(order, request.user, perm.PREDICATES)],
            "timeline": timeline_for(order),
            "reminders": selectors.reminders_for_item(order),
            "target_url": target_url(request, order),
            "can_remind": perm.can_remind(request.user) and order.state in ORDER_OPEN,
            "reissued_as": SupervisionOrder.objects.filter(previous=order).first(),
            "attachments": attachments_for(order).filter(purpose="reply"),
        },
    )


order_act = workflow_step(
    perm.access_order,
    OrderActionForm,
    services.order_transition,
    "order",
    "supervision:order_detail",
    files=("files", "attachments"),
)


@login_required
@require_GET
def order_notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    order = perm.access_order(request.user, pk)
    content = services.order_notice_print(actor=request.user, order=order)
    return file_response(content, f"{order.number}督办通知单.docx")


def _target_from_request(request: AuthedRequest) -> tuple[targets.TargetType, Any] | None:
    raw = request.GET.get("target") or request.POST.get("target") or ""
    if not raw and request.GET.get("type") and request.GET.get("id"):
        raw = f"{request.GET['type']}:{request.GET['id'].strip()}"
    label, _, pk = raw.partition(":")
    found = targets.resolve(label, pk) if label and pk else None
    if found and not found[0].can_view(request.user, found[1]):
        return None
    return found


def _issue(request: AuthedRequest, obj: Any, d: dict[str, Any]) -> Any:
    return services.order_issue(
        actor=request.user,
        target=obj,
        requirement=d["requirement"],
        reply_deadline=d["reply_deadline"],
        level=d["level"] or Level.NORMAL,
        department=d["department"],
    )


def _remind(request: AuthedRequest, obj: Any, d: dict[str, Any]) -> Any:
    return services.reminder_send(actor=request.user, item=obj, message=d["message"])


def _instruct(request: AuthedRequest, obj: Any, d: dict[str, Any]) -> Any:
    return services.instruction_create(actor=request.user, target=obj, **d)


# The item page's three forms: who may post it, its form, the service call, the message when done.
ITEM_FORMS: dict[str, tuple[Callable[[Any], bool], type[forms.Form], Callable[..., Any], str]] = {
    "order": (perm.can_issue_order, OrderIssueForm, _issue, "督办单已下发。"),
    "remind": (perm.can_remind, RemindForm, _remind, "已催办。"),
    "instruction": (perm.can_write_instruction, InstructionForm, _instruct, "批示已交办。"),
}


def _item_post(request: AuthedRequest, obj: Any) -> None:
    entry = ITEM_FORMS.get(request.POST.get("what", ""))
    if entry is None:
        return
    allowed, form_class, call, ok = entry
    require(allowed(request.user))
    run_form(request, form_class(request.POST), lambda d: call(request, obj, d), ok)


@login_required
@require_http_methods(["GET", "POST"])
def item(request: AuthedRequest) -> HttpResponse:
    """Supervision of one item of any registered type (task, appeal, finding, instruction)."""
    require(perm.can_view_supervision(request.user))
    found = _target_from_request(request)
    if found is None:
        raise Http404
    kind, obj = found
    ref = f"{kind.model_label}:{obj.pk}"
    if request.method == "POST":
        _item_post(request, obj)
        return redirect(f"{request.path}?target={ref}")
    return render(
        request,
        "supervision/item.html",
        {
            "kind": kind,
            "obj": obj,
            "ref": ref,
            "title": kind.title_of(obj),
            "url": kind.url_for(obj.pk),
            "deadline": kind.deadline_of(obj),
            "closed": kind.is_closed(obj),
            "department_id": kind.department_id_of(obj),
            "orders": selectors.orders_for_item(obj),
            "instructions": selectors.instructions_for_item(obj),
            "reminders": selectors.reminders_for_item(obj)[:50],
            "timeline": timeline_for(obj),
            "departments": selectors.active_departments(),
            "levels": Level.choices,
            "default_deadline": timezone.localdate() + dt.timedelta(days=7),
            "can_issue": perm.can_issue_order(request.user) and kind.orderable,
            "can_remind": perm.can_remind(request.user),
            "can_instruct": perm.can_write_instruction(request.user),
        },
    )
