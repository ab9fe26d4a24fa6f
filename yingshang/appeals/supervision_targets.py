"""Appeals as supervision items (autodiscovered by the supervision app): the reminder scan reads open
appeals whose reply deadline falls on or before a date through the `appeal_state_reply_due` index
(state, reply_deadline) — one range scan per state held by a department, no sort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from yingshang.supervision.targets import DueRow, TargetType, register_target, safe_reverse

from .models import Appeal
from .permissions import can_view_appeal

# Reminders while the department holds the appeal (to sign, or to answer), on its reply deadline.
IN_HAND = (Appeal.State.DISPATCHED, Appeal.State.SIGNED)
FINISHED = frozenset({Appeal.State.CONCLUDED, Appeal.State.CLOSED})


def due_queryset(until: dt.date):
    bound = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    # order_by(): the model's default ordering (-received_at) would force a sort of every due row.
    return (
        Appeal.objects.filter(state__in=IN_HAND, reply_deadline__lt=bound)
        .order_by()
        .values_list("pk", "main_department_id", "reply_deadline", "title")
    )


def due_rows(until: dt.date) -> Iterable[DueRow]:
    for pk, dept, deadline, title in due_queryset(until).iterator(chunk_size=2000):
        yield pk, dept, timezone.localdate(deadline), title[:200]


register_target(
    TargetType(
        model_label="appeals.appeal",
        label="企业诉求",
        department_id_of=lambda a: a.main_department_id,
        deadline_of=lambda a: timezone.localdate(a.reply_deadline) if a.reply_deadline else None,
        is_closed=lambda a: a.state in FINISHED,
        url_for=lambda pk: safe_reverse("appeals:detail", pk),
        title_of=lambda a: str(a.title)[:200],
        can_view=can_view_appeal,
        due_rows=due_rows,
    )
)
