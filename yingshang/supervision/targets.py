"""The items supervision attaches to, generically (content type + id). Each item type registers here:
its label, how to find its department, deadline, whether it is closed, its URL, who may see it, and — for
the reminder scan — a query of its OPEN items whose deadline is on or before a date, on indexed columns.

Other apps register their own types in a `supervision_targets.py` module (autodiscovered), e.g.

    from yingshang.supervision.targets import TargetType, register_target
    register_target(TargetType(model_label="ledger.task", label="重点任务", ...))

Where an app has not registered yet, `register_fallbacks` registers ledger.Task and appeals.Appeal when
those apps import, so this module works whether or not they are built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

# (pk, department_id, deadline, title) of an open item with a deadline
DueRow = tuple[int, int | None, dt.date, str]


@dataclass(frozen=True)
class TargetType:
    model_label: str  # "app_label.modelname", lower case
    label: str  # Chinese name of the item type: "重点任务"
    department_id_of: Callable[[Any], int | None]
    deadline_of: Callable[[Any], dt.date | None]
    is_closed: Callable[[Any], bool]
    url_for: Callable[[int], str]  # the item's page, from its id
    title_of: Callable[[Any], str]
    can_view: Callable[[Any, Any], bool]
    # open items with deadline <= the date; None: the reminder scan does not cover this type
    due_rows: Callable[[dt.date], Iterable[DueRow]] | None = None
    # may a supervision order / leader instruction name an item of this type?
    orderable: bool = True

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model, for_concrete_model=False)


REGISTRY: dict[str, TargetType] = {}


def register_target(target: TargetType) -> None:
    REGISTRY[target.model_label.lower()] = target


def target_for_model(model_or_obj: Any) -> TargetType | None:
    return REGISTRY.get(model_or_obj._meta.label_lower)


def target_for_content_type(content_type: ContentType) -> TargetType | None:
    return REGISTRY.get(f"{content_type.app_label}.{content_type.model}")


def load(content_type_id: int, object_id: int) -> tuple[TargetType, models.Model] | None:
    ct = ContentType.objects.get_for_id(content_type_id)
    target = target_for_content_type(ct)
    if target is None:
        return None
    obj = target.model._default_manager.filter(pk=object_id).first()
    return (target, obj) if obj is not None else None


def resolve(model_label: str, object_id: Any) -> tuple[TargetType, models.Model] | None:
    target = REGISTRY.get(model_label.lower())
    if target is None:
        return None
    try:
        obj = target.model._default_manager.filter(pk=int(object_id)).first()
    except (TypeError, ValueError):
        return None
    return (target, obj) if obj is not None else None


def safe_reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- the ledger's tasks and the appeals, registered here until those apps register themselves ----------


def _register_ledger_task() -> None:
    try:
        from yingshang.ledger import workflow as ledger_workflow
        from yingshang.ledger.models import Task
        from yingshang.ledger.permissions import can_view_task
    except ImportError:
        return
    open_states = frozenset(getattr(ledger_workflow, "OPEN", {"not_started", "in_progress"}))
    finished = {
        getattr(ledger_workflow, "CLOSED", "closed"),
        getattr(ledger_workflow, "CANCELLED", "cancelled"),
    }

    def due_rows(until: dt.date) -> Iterable[DueRow]:
        rows = (
            Task.objects.filter(state__in=open_states, deadline__lte=until)
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
            is_closed=lambda t: t.state in finished,
            url_for=lambda pk: safe_reverse("ledger:task", pk),
            title_of=lambda t: str(t.title)[:200],
            can_view=can_view_task,
            due_rows=due_rows,
        )
    )


def _register_appeal() -> None:
    try:
        from yingshang.appeals.models import Appeal
        from yingshang.appeals.permissions import can_view_appeal
    except ImportError:
        return
    state = Appeal.State
    # Reminders while the department holds the appeal (to sign, or to answer), on its reply deadline.
    in_hand = {state.DISPATCHED, state.SIGNED}
    finished = {state.CONCLUDED, state.CLOSED}

    def due_rows(until: dt.date) -> Iterable[DueRow]:
        bound = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
        rows = (
            Appeal.objects.filter(state__in=in_hand, reply_deadline__lt=bound)
            .values_list("pk", "main_department_id", "reply_deadline", "title")
            .iterator(chunk_size=2000)
        )
        for pk, dept, deadline, title in rows:
            yield pk, dept, timezone.localdate(deadline), title[:200]

    register_target(
        TargetType(
            model_label="appeals.appeal",
            label="企业诉求",
            department_id_of=lambda a: a.main_department_id,
            deadline_of=lambda a: timezone.localdate(a.reply_deadline) if a.reply_deadline else None,
            is_closed=lambda a: a.state in finished,
            url_for=lambda pk: safe_reverse("appeals:detail", pk),
            title_of=lambda a: str(a.title)[:200],
            can_view=can_view_appeal,
            due_rows=due_rows,
        )
    )


def register_fallbacks() -> None:
    """Register ledger.Task and appeals.Appeal unless their apps registered them (supervision_targets.py)."""
    if "ledger.task" not in REGISTRY:
        _register_ledger_task()
    if "appeals.appeal" not in REGISTRY:
        _register_appeal()
