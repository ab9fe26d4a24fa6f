"""The ledger's tasks as supervision items (registered by the ledger app): the reminder scan reads open
tasks whose deadline falls on or before a date, and the office may issue orders and instructions on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from yingshang.supervision.targets import DueRow, TargetType, register_target, safe_reverse

from .models import Task
from .permissions import can_view_task
from .workflow import CANCELLED, CLOSED, OPEN

FINISHED = frozenset({CLOSED, CANCELLED})


def due_rows(until: dt.date) -> Iterable[DueRow]:
    rows = (
        Task.objects.filter(state__in=OPEN, deadline__lte=until)
        .order_by()  # the model's default ordering would sort every due row
        .values_list("pk", "primary_lead_id", "deadline", "title")
        .iterator(chunk_size=2000)
    )
    for pk, dept, deadline, title in rows:
        if deadline is not None:
            yield pk, dept, deadline, title[:200]


register_target(
    TargetType(
        model_label="ledger.task",
        label="重点任务",
        department_id_of=lambda t: t.primary_lead_id,
        deadline_of=lambda t: t.deadline,
        is_closed=lambda t: t.state in FINISHED,
        url_for=lambda pk: safe_reverse("ledger:task", pk),
        title_of=lambda t: str(t.title)[:200],
        can_view=can_view_task,
        due_rows=due_rows,
    )
)
