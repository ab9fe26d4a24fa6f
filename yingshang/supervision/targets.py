"""The items supervision attaches to, generically (content type + id). Each item type registers here:
its label, how to find its department, deadline, whether it is closed, its URL, who may see it, and — for
the reminder scan — a query of its OPEN items whose deadline is on or before a date, on indexed columns.

Other apps register their own types in a `supervision_targets.py` module (autodiscovered), e.g.

    from yingshang.supervision.targets import TargetType, register_target
    register_target(TargetType(model_label="ledger.task", label="重点任务", ...))

Where an app has not registered yet, `register_fallbacks` registers ledger.Task and appeals.Appeal if
those models exist and have recognisable fields, so this module works whether or not they are built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
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


# --- fallbacks for the ledger and appeals apps, used only until they register themselves -------------

DEADLINE_FIELDS = ("deadline", "due_date", "due_at", "reply_deadline", "time_limit_at", "deadline_at")
DEPARTMENT_FIELDS = ("lead_department", "primary_department", "main_department", "department", "handler")
TITLE_FIELDS = ("title", "name", "summary", "subject", "content")
CLOSED_STATES = {"closed", "concluded", "cancelled", "canceled", "done", "archived", "finished", "resolved"}


def _field(model: type[models.Model], names: tuple[str, ...]) -> models.Field | None:
    for name in names:
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(f, models.Field):
            return f
    return None


def _guess(model_label: str, label: str, url_name: str) -> TargetType | None:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    deadline = _field(model, DEADLINE_FIELDS)
    department = _field(model, DEPARTMENT_FIELDS)
    title = _field(model, TITLE_FIELDS)
    if not (deadline and department and title and isinstance(department, models.ForeignKey)):
        return None
    if not any(f.name == "state" for f in model._meta.get_fields()):
        return None
    is_datetime = isinstance(deadline, models.DateTimeField)

    def deadline_of(obj: Any) -> dt.date | None:
        value = getattr(obj, deadline.name)
        if value is None:
            return None
        return timezone.localdate(value) if is_datetime else value

    def due_rows(until: dt.date) -> Iterable[DueRow]:
        if is_datetime:
            bound = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
            cond = {f"{deadline.name}__lt": bound}
        else:
            cond = {f"{deadline.name}__lte": until}
        rows = (
            model._default_manager.filter(**cond)
            .exclude(state__in=CLOSED_STATES)
            .values_list("pk", department.attname, deadline.name, title.name)
            .iterator(chunk_size=2000)
        )
        for pk, dept, when, text in rows:
            yield pk, dept, (timezone.localdate(when) if is_datetime else when), str(text or "")[:200]

    def can_view(user: Any, obj: Any) -> bool:
        from yingshang.org.scope import department_ids

        ids = department_ids(user)
        return ids is None or getattr(obj, department.attname) in ids

    return TargetType(
        model_label=model_label.lower(),
        label=label,
        department_id_of=lambda obj: getattr(obj, department.attname),
        deadline_of=deadline_of,
        is_closed=lambda obj: obj.state in CLOSED_STATES,
        url_for=lambda pk: safe_reverse(url_name, pk),
        title_of=lambda obj: str(getattr(obj, title.name) or "")[:200],
        can_view=can_view,
        due_rows=due_rows,
    )


def register_fallbacks() -> None:
    for model_label, label, url_name in (
        ("ledger.task", "重点任务", "ledger:task_detail"),
        ("appeals.appeal", "企业诉求", "appeals:detail"),
    ):
        if model_label not in REGISTRY:
            guessed = _guess(model_label, label, url_name)
            if guessed is not None:
                register_target(guessed)
