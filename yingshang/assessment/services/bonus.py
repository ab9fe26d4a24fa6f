"""Bonus items (加分事项): recorded by the office and approved or refused through their workflow."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import TransitionRefused
from yingshang.core.workflow import apply_transition
from yingshang.org.models import Department

from ..models import BonusItem
from ..workflow import BONUS
from .common import clean, decimal, require_office


@transaction.atomic
def bonus_item_create(
    *, actor: Any, department: Department, title: str, points: Any, awarded_on: date, basis: str = ""
) -> BonusItem:
    require_office(actor)
    item = BonusItem(
        department=department,
        title=title.strip(),
        basis=basis.strip(),
        points=decimal(points, "分值", "points"),
        awarded_on=awarded_on,
        created_by=actor,
    )
    clean(item)
    item.save()
    audit_record(
        actor=actor,
        action="bonus_item.create",
        obj=item,
        after={"title": item.title, "points": str(item.points)},
    )
    return item


@transaction.atomic
def bonus_item_decide(
    *, actor: Any, item: BonusItem, approve: bool, note: str = "", seen_version: int | None = None
) -> BonusItem:
    require_office(actor)
    if not item.pending:
        raise TransitionRefused("该加分事项已审核。", code="assessment.bonus_decided")
    apply_transition(
        item,
        workflow=BONUS,
        user=actor,
        action="approve" if approve else "refuse",
        seen_version=seen_version,
        changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()[:500]},
        note=note,
    )
    return item
