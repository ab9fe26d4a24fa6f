"""Indicator sets: the measures an assessment scores, their kinds and weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed

from .. import measures as m
from ..models import Indicator, IndicatorSet
from ..ranking import GROUPS, IndicatorSpec
from .common import clean, decimal, require_office


@transaction.atomic
def indicator_set_save(
    *,
    actor: Any,
    name: str,
    indicators: Sequence[Mapping[str, Any]],
    groups: Sequence[str] = ("city", "district"),
    deduction_cap: Any = 10,
    bonus_cap: Any = 5,
    is_active: bool = True,
    note: str = "",
    indicator_set: IndicatorSet | None = None,
) -> IndicatorSet:
    """Create or replace an indicator set with its indicators. Score weights must add up to 100; every
    check runs before anything is written, so a refused set changes nothing."""
    require_office(actor)
    specs: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, raw in enumerate(indicators):
        key = str(raw.get("measure") or "").strip()
        if key not in m.REGISTRY:
            errors[f"indicators.{i}.measure"] = ["请选择计算口径。"]
            continue
        if key in seen:
            errors[f"indicators.{i}.measure"] = ["同一计算口径只能出现一次。"]
            continue
        seen.add(key)
        defn = m.REGISTRY[key]
        kind = str(raw.get("kind") or defn.kind)
        if kind not in Indicator.Kind.values:
            errors[f"indicators.{i}.kind"] = ["类型无效。"]
            continue
        weight = decimal(raw.get("weight") or 0, "权重", f"indicators.{i}.weight")
        points = decimal(raw.get("points_per_item") or 1, "每项分值", f"indicators.{i}.points_per_item")
        if weight < 0 or points < 0:
            errors[f"indicators.{i}.weight"] = ["不能为负数。"]
            continue
        hib = raw.get("higher_is_better")
        specs.append(
            {
                "measure": key,
                "name": str(raw.get("name") or defn.label).strip()[:100],
                "kind": kind,
                "weight": weight if kind == "score" else Decimal(0),
                "higher_is_better": defn.higher_is_better if hib is None else bool(hib),
                "points_per_item": points,
                "sort_order": i,
            }
        )
    if errors:
        raise ValidationFailed(
            "指标设置有误，请检查标出的行。", code="assessment.indicator_rows_invalid", fields=errors
        )
    if not any(s["kind"] == "score" for s in specs):
        raise ValidationFailed(
            "指标体系至少需要一项计分指标。",
            code="assessment.indicator_set_no_score",
            fields={"indicators": ["缺少计分指标。"]},
        )
    total = sum((s["weight"] for s in specs if s["kind"] == "score"), Decimal(0))
    if total != Decimal(100):
        raise ValidationFailed(
            f"计分指标的权重合计应为 100，当前为 {total.normalize():f}，未保存。",
            code="assessment.weights_not_100",
            fields={"weight": [f"权重合计 {total.normalize():f}，应为 100。"]},
        )
    bad_groups = [g for g in groups if g not in GROUPS]
    if not groups or bad_groups:
        raise ValidationFailed(
            "请选择参评分组（市直部门、区县）。",
            code="assessment.groups_invalid",
            fields={"groups": ["分组无效。"]},
        )
    before = _set_dict(indicator_set) if indicator_set else None
    obj = indicator_set or IndicatorSet()
    obj.name = name.strip()
    obj.groups = list(groups)
    obj.deduction_cap = decimal(deduction_cap, "扣分上限", "deduction_cap")
    obj.bonus_cap = decimal(bonus_cap, "加分上限", "bonus_cap")
    obj.is_active = is_active
    obj.note = note.strip()
    clean(obj)
    obj.save()
    obj.indicators.all().delete()
    rows = [Indicator(indicator_set=obj, **s) for s in specs]
    for row in rows:
        clean(row, exclude=["indicator_set"])
    Indicator.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="indicator_set.update" if before else "indicator_set.create",
        obj=obj,
        before=before,
        after=_set_dict(obj),
    )
    return obj


def _set_dict(s: IndicatorSet) -> dict[str, Any]:
    return {
        "name": s.name,
        "groups": s.groups,
        "deduction_cap": str(s.deduction_cap),
        "bonus_cap": str(s.bonus_cap),
        "indicators": [
            {"measure": i.measure, "kind": i.kind, "weight": str(i.weight), "points": str(i.points_per_item)}
            for i in s.indicators.all()
        ],
    }


def specs_of(indicator_set: IndicatorSet) -> list[IndicatorSpec]:
    return [
        IndicatorSpec(
            i.measure,
            i.name,
            i.kind,
            float(i.weight),
            i.higher_is_better,
            float(i.points_per_item),
            i.sort_order,
        )
        for i in indicator_set.indicators.all()
    ]
