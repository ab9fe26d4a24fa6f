"""Monitoring the business-environment indicators (营商环境指标监测): the indicators, the values reported, and a weak indicator turned into a ledger task."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.office_settings import get_setting
from yingshang.core.uploads import attachment_add
from yingshang.org.models import Department

from ..models import EvaluationIndicator, EvaluationValue
from ..periods import started_period
from ..permissions import can_report_evaluation
from ..scoring import frontier_score
from .common import EVIDENCE_TYPES, clean, decimal, require_office


@transaction.atomic
def evaluation_indicator_save(
    *,
    actor: Any,
    first_level: str,
    name: str,
    department: Department,
    frontier: float,
    worst: float,
    higher_is_better: bool = False,
    unit: str = "",
    sort_order: int = 0,
    indicator: EvaluationIndicator | None = None,
) -> EvaluationIndicator:
    require_office(actor)
    from ..evaluation import FIRST_LEVEL

    if first_level not in FIRST_LEVEL:
        raise ValidationFailed(
            "请选择一级指标。",
            code="assessment.first_level_invalid",
            fields={"first_level": ["一级指标无效。"]},
        )
    if float(frontier) == float(worst):
        raise ValidationFailed(
            "前沿值与最差值不能相同。",
            code="assessment.frontier_equals_worst",
            fields={"worst": ["与前沿值相同。"]},
        )
    if higher_is_better != (float(frontier) > float(worst)):
        raise ValidationFailed(
            "前沿值应为最优值：数值越高越好时前沿值应大于最差值，反之应小于最差值。",
            code="assessment.frontier_direction",
            fields={"frontier": ["与“数值越高越好”不一致。"]},
        )
    obj = indicator or EvaluationIndicator()
    before = None if indicator is None else {"frontier": indicator.frontier, "worst": indicator.worst}
    obj.first_level, obj.name, obj.unit = first_level, name.strip(), unit.strip()
    obj.department = department
    obj.frontier, obj.worst, obj.higher_is_better = float(frontier), float(worst), higher_is_better
    obj.sort_order = sort_order
    clean(obj)
    obj.save()
    if indicator is not None:  # the office moved the frontier: rescore what was reported
        for v in obj.values.all():
            v.score = frontier_score(v.value, best=obj.frontier, worst=obj.worst)
            v.save(update_fields=["score"])
    audit_record(
        actor=actor,
        action="evaluation_indicator.save",
        obj=obj,
        before=before,
        after={"frontier": obj.frontier, "worst": obj.worst},
    )
    return obj


@transaction.atomic
def evaluation_value_report(
    *,
    actor: Any,
    indicator: EvaluationIndicator,
    period: str,
    value: Any,
    note: str = "",
    files: Sequence[Any] = (),
) -> EvaluationValue:
    if not can_report_evaluation(actor, indicator):
        raise PermissionRefused(
            "只有该指标的责任单位或营商办可以填报。", code="assessment.report_not_responsible"
        )
    p = started_period(period, timezone.localdate())
    number = float(decimal(value, "数值", "value"))
    if number < 0:
        raise ValidationFailed(
            "数值不能为负数。", code="assessment.value_negative", fields={"value": ["不能为负数。"]}
        )
    obj, created = EvaluationValue.objects.get_or_create(
        indicator=indicator,
        period_code=p.code,
        defaults={"period_start": p.start, "value": number, "score": 0, "reported_by": actor},
    )
    before = None if created else {"value": obj.value}
    obj.value, obj.note, obj.reported_by = number, note.strip()[:500], actor
    obj.score = round(frontier_score(number, best=indicator.frontier, worst=indicator.worst), 2)
    obj.save()
    for f in files:
        attachment_add(actor=actor, obj=obj, uploaded=f, purpose="evidence", allowed=EVIDENCE_TYPES)
    audit_record(
        actor=actor,
        action="evaluation_value.report",
        obj=obj,
        before=before,
        after={"value": number, "period": p.code},
    )
    return obj


@transaction.atomic
def weak_indicator_to_tasks(
    *, actor: Any, indicator: EvaluationIndicator, deadline: date, title: str = ""
) -> Any:
    """Turn a weak evaluation indicator into a ledger task for its department, in one step, through the
    ledger's own services (document and measure are found or made once per year)."""
    require_office(actor)
    from yingshang.ledger import services as ledger
    from yingshang.ledger.models import Measure, PolicyDocument

    year = timezone.localdate().year
    doc_title = f"{year}年营商环境短板指标提升任务"
    document = PolicyDocument.objects.filter(title=doc_title).first() or ledger.policy_document_create(
        actor=actor, title=doc_title, issuer=str(get_setting("assessment_issuer"))
    )
    measure = Measure.objects.filter(document=document, title=indicator.first_level).first() or (
        ledger.measure_create(actor=actor, document=document, title=indicator.first_level)
    )
    latest = indicator.values.order_by("-period_start").first()
    now_text = f"（当前 {latest.value:g}{indicator.unit}，得分 {latest.score:g}）" if latest else ""
    task = ledger.task_create(
        actor=actor,
        measure=measure,
        title=title.strip()
        or f"提升“{indicator.first_level}·{indicator.name}”指标{now_text}，力争达到前沿值 {indicator.frontier:g}{indicator.unit}",
        lead_departments=[indicator.department],
        deadline=deadline,
        metric=indicator.name[:200],
        target_value=indicator.frontier,
        unit=indicator.unit[:20],
    )
    audit_record(actor=actor, action="evaluation_indicator.to_task", obj=indicator, after={"task": task.pk})
    return task
