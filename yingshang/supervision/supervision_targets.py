"""Supervision's own item types as targets: orders (reminded, not themselves ordered), instructions and
inspection findings (both reminded and orderable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .models import Finding, Instruction, SupervisionOrder
from .permissions import can_view_item
from .targets import DueRow, TargetType, register_target, safe_reverse
from .workflow import FINDING_OPEN, INSTRUCTION_OPEN, ORDER_OPEN


def _order_rows(until: dt.date) -> Iterable[DueRow]:
    rows = (
        SupervisionOrder.objects.filter(state__in=ORDER_OPEN, reply_deadline__lte=until)
        .values_list("pk", "department_id", "reply_deadline", "year", "seq")
        .iterator(chunk_size=2000)
    )
    for pk, dept, deadline, year, seq in rows:
        yield pk, dept, deadline, f"督办〔{year}〕{seq}号"


def _instruction_rows(until: dt.date) -> Iterable[DueRow]:
    rows = (
        Instruction.objects.filter(state__in=INSTRUCTION_OPEN, deadline__lte=until)
        .values_list("pk", "department_id", "deadline", "content")
        .iterator(chunk_size=2000)
    )
    for pk, dept, deadline, content in rows:
        yield pk, dept, deadline, content[:60]


def _finding_rows(until: dt.date) -> Iterable[DueRow]:
    rows = (
        Finding.objects.filter(state__in=FINDING_OPEN, rectification_deadline__lte=until)
        .values_list("pk", "department_id", "rectification_deadline", "description")
        .iterator(chunk_size=2000)
    )
    for pk, dept, deadline, text in rows:
        yield pk, dept, deadline, text[:60]


register_target(
    TargetType(
        model_label="supervision.supervisionorder",
        label="督办单",
        department_id_of=lambda o: o.department_id,
        deadline_of=lambda o: o.reply_deadline,
        is_closed=lambda o: o.state not in ORDER_OPEN and o.state != "answered",
        url_for=lambda pk: safe_reverse("supervision:order_detail", pk),
        title_of=lambda o: o.number,
        can_view=can_view_item,
        due_rows=_order_rows,
        orderable=False,
    )
)
register_target(
    TargetType(
        model_label="supervision.instruction",
        label="领导批示",
        department_id_of=lambda o: o.department_id,
        deadline_of=lambda o: o.deadline,
        is_closed=lambda o: o.state == "concluded",
        url_for=lambda pk: safe_reverse("supervision:instruction_detail", pk),
        title_of=lambda o: o.content[:60],
        can_view=can_view_item,
        due_rows=_instruction_rows,
    )
)
register_target(
    TargetType(
        model_label="supervision.finding",
        label="明察暗访问题",
        department_id_of=lambda o: o.department_id,
        deadline_of=lambda o: o.rectification_deadline,
        is_closed=lambda o: o.state == "closed",
        url_for=lambda pk: safe_reverse("supervision:finding_detail", pk),
        title_of=lambda o: o.description[:60],
        can_view=can_view_item,
        due_rows=_finding_rows,
    )
)
