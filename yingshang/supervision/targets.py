"""The items supervision attaches to, generically (content type + id). Each item type registers here:
its label, how to find its department, deadline, whether it is closed, its URL, who may see it, and — for
the reminder scan — a query of its OPEN items whose deadline is on or before a date, on indexed columns.

Each app registers its own types in its `supervision_targets.py` module (autodiscovered by this app), e.g.

    from yingshang.supervision.targets import TargetType, register_target
    register_target(TargetType(model_label="ledger.task", label="重点任务", ...))"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse

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
