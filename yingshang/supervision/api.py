"""Supervision API for department systems: the orders, instructions and findings a department holds, and
their department-side actions (sign, answer, reply, report). Same scope and predicates as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import permissions as perm
from . import selectors, services
from .workflow import FINDING, INSTRUCTION, ORDER

router = Router(tags=["督查督办"])


class OrderOut(Schema):
    id: int
    number: str
    level: str
    target: str
    department: str
    requirement: str
    reply_deadline: dt.date
    state: str
    state_label: str
    reply: str
    version: int


class InstructionOut(Schema):
    id: int
    content: str
    target: str
    department: str
    deadline: dt.date
    state: str
    state_label: str
    reply: str
    version: int


class FindingOut(Schema):
    id: int
    description: str
    department: str
    rectification_deadline: dt.date
    state: str
    state_label: str
    report: str
    version: int


class ListQuery(Schema):
    state: str = ""
    page: int = 1
    page_size: int = 50


class ActionIn(Schema):
    reply: str = ""
    report: str = ""
    note: str = ""
    reason: str = ""
    reply_deadline: str = ""
    version: int | None = None


def _viewer(request: HttpRequest) -> None:
    if not perm.can_view_supervision(request.user):
        raise PermissionDenied


def _page(qs: Any, params: ListQuery) -> Any:
    size = max(1, min(params.page_size, 200))
    page = max(1, params.page)
    return qs[(page - 1) * size : page * size]


def _order(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number,
        "level": o.level,
        "target": o.target_label,
        "department": o.department.name,
        "requirement": o.requirement,
        "reply_deadline": o.reply_deadline,
        "state": o.state,
        "state_label": ORDER.label(o.state),
        "reply": o.reply,
        "version": o.version,
    }


def _instruction(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "content": o.content,
        "target": o.target_label,
        "department": o.department.name,
        "deadline": o.deadline,
        "state": o.state,
        "state_label": INSTRUCTION.label(o.state),
        "reply": o.reply,
        "version": o.version,
    }


def _finding(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "description": o.description,
        "department": o.department.name,
        "rectification_deadline": o.rectification_deadline,
        "state": o.state,
        "state_label": FINDING.label(o.state),
        "report": o.report,
        "version": o.version,
    }


def _data(body: ActionIn) -> dict[str, Any]:
    return {k: v for k, v in body.dict().items() if k != "version" and v}


def _step(
    request: HttpRequest,
    pk: int,
    action: str,
    body: ActionIn,
    access: Callable[[Any, int], Any],
    transition: Callable[..., Any],
    name: str,
    out: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """A department-side step on an item in the caller's scope; the item as it is afterwards."""
    obj = access(request.user, pk)
    transition(actor=request.user, action=action, data=_data(body), seen_version=body.version, **{name: obj})
    return out(access(request.user, pk))


@router.get("/orders", response=list[OrderOut], summary="督办单（按权限范围）")
def list_orders(request: HttpRequest, params: Query[ListQuery]):
    _viewer(request)
    return [_order(o) for o in _page(selectors.orders(request.user, state=params.state), params)]


@router.get("/orders/{order_id}", response=OrderOut, summary="督办单详情")
def get_order(request: HttpRequest, order_id: int):
    return _order(perm.access_order(request.user, order_id))


@router.post("/orders/{order_id}/{action}", response=OrderOut, summary="督办单操作：sign 签收、answer 答复……")
def act_order(request: HttpRequest, order_id: int, action: str, body: ActionIn):
    return _step(
        request, order_id, action, body, perm.access_order, services.order_transition, "order", _order
    )


@router.get("/instructions", response=list[InstructionOut], summary="领导批示（按权限范围）")
def list_instructions(request: HttpRequest, params: Query[ListQuery]):
    _viewer(request)
    return [_instruction(o) for o in _page(selectors.instructions(request.user, state=params.state), params)]


@router.post(
    "/instructions/{instruction_id}/{action}", response=InstructionOut, summary="批示操作：reply 回复……"
)
def act_instruction(request: HttpRequest, instruction_id: int, action: str, body: ActionIn):
    access, transition = perm.access_instruction, services.instruction_transition
    return _step(request, instruction_id, action, body, access, transition, "instruction", _instruction)


@router.get("/findings", response=list[FindingOut], summary="明察暗访问题（按权限范围）")
def list_findings(request: HttpRequest, params: Query[ListQuery]):
    _viewer(request)
    return [_finding(o) for o in _page(selectors.findings(request.user, state=params.state), params)]
