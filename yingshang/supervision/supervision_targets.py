"""Supervision's own item types as targets: orders (reminded, not themselves ordered), instructions and
inspection findings (both reminded and orderable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.db import models

from .models import Finding, Instruction, SupervisionOrder
from .permissions import can_view_item
from .targets import DueRow, TargetType, register_target, safe_reverse
from .workflow import FINDING_OPEN, INSTRUCTION_OPEN, ORDER_FINISHED, ORDER_OPEN


def _register_own(
    model: type[models.Model],
    *,
    label: str,
    deadline: str,
    url_name: str,
    reminded: Collection[str],
    finished: Collection[str],
    title_of: Callable[[Any], str],
    columns: tuple[str, ...],
    row_title: Callable[..., str],
    orderable: bool = True,
) -> None:
    """A supervision item held by one department (`department_id`) with a deadline column: reminded while
    in one of the `reminded` states, closed in one of the `finished` ones."""

    def due_rows(until: dt.date) -> Iterable[DueRow]:
        rows = (
            model._default_manager.filter(state__in=reminded, **{f"{deadline}__lte": until})
            .values_list("pk", "department_id", deadline, *columns)
            .iterator(chunk_size=2000)
        )
        for pk, dept, due, *rest in rows:
            yield pk, dept, due, row_title(*rest)

    register_target(
        TargetType(
            model_label=model._meta.label_lower,
            label=label,
            department_id_of=lambda o: o.department_id,
            deadline_of=lambda o: getattr(o, deadline),
            is_closed=lambda o: o.state in finished,
            url_for=lambda pk: safe_reverse(url_name, pk),
            title_of=title_of,
            can_view=can_view_item,
            due_rows=due_rows,
            orderable=orderable,
        )
    )


_register_own(
    SupervisionOrder,
    label="督办单",
    deadline="reply_deadline",
    url_name="supervision:order_detail",
    reminded=ORDER_OPEN,
    finished=ORDER_FINISHED,
    title_of=lambda o: o.number,
    columns=("year", "seq"),
    row_title=lambda year, seq: f"督办〔{year}〕{seq}号",
    orderable=False,
)
_register_own(
    Instruction,
    label="领导批示",
    deadline="deadline",
    url_name="supervision:instruction_detail",
    reminded=INSTRUCTION_OPEN,
    finished={Instruction.State.CONCLUDED},
    title_of=lambda o: o.content[:60],
    columns=("content",),
    row_title=lambda content: content[:60],
)
_register_own(
    Finding,
    label="明察暗访问题",
    deadline="rectification_deadline",
    url_name="supervision:finding_detail",
    reminded=FINDING_OPEN,
    finished={Finding.State.CLOSED},
    title_of=lambda o: o.description[:60],
    columns=("description",),
    row_title=lambda text: text[:60],
)
