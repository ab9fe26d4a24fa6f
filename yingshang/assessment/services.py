"""Every write of the assessment: indicator sets, bonus items, computing a period, the run's workflow,
objections during publicity, bulletins (document numbers) and indicator monitoring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import (
    PermissionRefused,
    TransitionRefused,
    ValidationFailed,
    validation_error_fields,
)
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting, settings_in_force
from yingshang.core.uploads import attachment_add
from yingshang.core.workflow import apply_transition
from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.workdays.calendar import add_workdays

from . import measures as m
from . import workflow as wf
from .models import (
    AssessmentRun,
    BonusItem,
    Bulletin,
    DepartmentResult,
    DocumentSequence,
    EvaluationIndicator,
    EvaluationValue,
    Indicator,
    IndicatorSet,
    Objection,
    ResultLine,
)
from .periods import Period, parse_period
from .ranking import GROUPS, NO_DATA_RULE, IndicatorSpec, score_group
from .scoring import frontier_score

EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd", ".zip"}
SETTING_KEYS_IN_SNAPSHOT = [
    "appeals.rate_basic_weight",
    "ledger_report_due_workdays",
    "ledger_yellow_workdays",
    "ledger_red_missed_reports",
    "assessment_list_size",
    "assessment_publicity_workdays",
]


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc


def _require_office(actor: Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(r.OFFICE)):
        raise PermissionRefused("只有营商办可以执行该操作。")


def _decimal(value: Any, label: str, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"“{label}”应为数字。", fields={field: ["应为数字。"]}) from exc


# --- indicator sets -------------------------------------------------------------------------------------


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
    _require_office(actor)
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
        weight = _decimal(raw.get("weight") or 0, "权重", f"indicators.{i}.weight")
        points = _decimal(raw.get("points_per_item") or 1, "每项分值", f"indicators.{i}.points_per_item")
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
        raise ValidationFailed("指标设置有误，请检查标出的行。", fields=errors)
    if not any(s["kind"] == "score" for s in specs):
        raise ValidationFailed("指标体系至少需要一项计分指标。", fields={"indicators": ["缺少计分指标。"]})
    total = sum((s["weight"] for s in specs if s["kind"] == "score"), Decimal(0))
    if total != Decimal(100):
        raise ValidationFailed(
            f"计分指标的权重合计应为 100，当前为 {total.normalize():f}，未保存。",
            fields={"weight": [f"权重合计 {total.normalize():f}，应为 100。"]},
        )
    bad_groups = [g for g in groups if g not in GROUPS]
    if not groups or bad_groups:
        raise ValidationFailed("请选择参评分组（市直部门、区县）。", fields={"groups": ["分组无效。"]})
    before = _set_dict(indicator_set) if indicator_set else None
    obj = indicator_set or IndicatorSet()
    obj.name = name.strip()
    obj.groups = list(groups)
    obj.deduction_cap = _decimal(deduction_cap, "扣分上限", "deduction_cap")
    obj.bonus_cap = _decimal(bonus_cap, "加分上限", "bonus_cap")
    obj.is_active = is_active
    obj.note = note.strip()
    _full_clean(obj)
    obj.save()
    obj.indicators.all().delete()
    rows = [Indicator(indicator_set=obj, **s) for s in specs]
    for row in rows:
        _full_clean(row, exclude=["indicator_set"])
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


# --- bonus items ----------------------------------------------------------------------------------------


@transaction.atomic
def bonus_item_create(
    *, actor: Any, department: Department, title: str, points: Any, awarded_on: date, basis: str = ""
) -> BonusItem:
    _require_office(actor)
    item = BonusItem(
        department=department,
        title=title.strip(),
        basis=basis.strip(),
        points=_decimal(points, "分值", "points"),
        awarded_on=awarded_on,
        created_by=actor,
    )
    _full_clean(item)
    item.save()
    audit_record(
        actor=actor,
        action="bonus_item.create",
        obj=item,
        after={"title": item.title, "points": str(item.points)},
    )
    return item


@transaction.atomic
def bonus_item_decide(*, actor: Any, item: BonusItem, approve: bool, note: str = "") -> BonusItem:
    _require_office(actor)
    if item.status != BonusItem.Status.PENDING:
        raise TransitionRefused("该加分事项已审核。")
    item.status = BonusItem.Status.APPROVED if approve else BonusItem.Status.REFUSED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.decision_note = note.strip()[:500]
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor, action="bonus_item.decide", obj=item, after={"status": item.status}, detail=note
    )
    return item


# --- computing a period ---------------------------------------------------------------------------------


def eligible_departments(groups: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Active top-level city departments and districts included in assessment (never the office itself,
    sub-units, or units an import created that the office has not yet included)."""
    out: dict[str, list[tuple[int, str]]] = {g: [] for g in groups}
    rows = (
        Department.objects.filter(is_active=True, in_assessment=True, kind__in=list(out), parent__isnull=True)
        .order_by("sort_order", "code")
        .values_list("pk", "name", "kind")
    )
    for pk, name, kind in rows:
        out[kind].append((pk, name))
    return out


@transaction.atomic
def run_compute(
    *, actor: Any, period: str | Period, indicator_set: IndicatorSet, now: datetime | None = None
) -> AssessmentRun:
    """Compute the period as a draft: an existing draft of the same period and set is replaced; a frozen
    one stays as it is and the new computation becomes the next version beside it."""
    _require_office(actor)
    p = parse_period(period) if isinstance(period, str) else period
    if not indicator_set.is_active:
        raise ValidationFailed("该指标体系已停用，不能用于计算。")
    specs = specs_of(indicator_set)
    if not specs:
        raise ValidationFailed("该指标体系没有指标。")
    groups = eligible_departments(indicator_set.groups)
    if not any(groups.values()):
        raise ValidationFailed(
            f"{p.label}没有参评单位（市直部门或区县），未计算。", fields={"period": ["没有参评单位。"]}
        )
    now = now or timezone.now()
    all_ids = [d for members in groups.values() for d, _ in members]
    values = m.compute([s.measure for s in specs], p, all_ids)
    draft = (
        AssessmentRun.objects.select_for_update()
        .filter(period_code=p.code, indicator_set=indicator_set, state=wf.DRAFT)
        .first()
    )
    inputs = {
        "period": {"code": p.code, "start": str(p.start), "end": str(p.end), "label": p.label},
        "indicator_set": {
            "name": indicator_set.name,
            "deduction_cap": float(indicator_set.deduction_cap),
            "bonus_cap": float(indicator_set.bonus_cap),
            "groups": indicator_set.groups,
        },
        "indicators": [
            {**asdict(s), "definition": m.REGISTRY[s.measure].definition, "unit": m.REGISTRY[s.measure].unit}
            for s in specs
        ],
        "no_data_rule": NO_DATA_RULE,
        "normalisation": "前沿距离法：每项指标在组内最优为100分、最差为0分，(最差−x)/(最差−最优)×100；最优等于最差时均为100分。",
        "settings": settings_in_force(now, [k for k in SETTING_KEYS_IN_SNAPSHOT if _defined(k)]),
        "computed_at": now.isoformat(),
    }
    if draft is not None:
        draft.results.all().delete()
        run = draft
        run.inputs = inputs
        run.computed_at = now
        run.computed_by = actor
        run.save(update_fields=["inputs", "computed_at", "computed_by"])
    else:
        last = (
            AssessmentRun.objects.filter(period_code=p.code, indicator_set=indicator_set).aggregate(
                n=Max("number")
            )["n"]
            or 0
        )
        run = AssessmentRun(
            period_code=p.code,
            period_label=p.label,
            period_start=p.start,
            period_end=p.end,
            indicator_set=indicator_set,
            number=last + 1,
            inputs=inputs,
            computed_at=now,
            computed_by=actor,
            state=wf.DRAFT,
        )
        _full_clean(run, exclude=["version"])
        run.save()
    cap_d, cap_b = float(indicator_set.deduction_cap), float(indicator_set.bonus_cap)
    results: list[DepartmentResult] = []
    line_sets = []
    for group, members in groups.items():
        for ds in score_group(members, group, specs, values, deduction_cap=cap_d, bonus_cap=cap_b):
            results.append(
                DepartmentResult(
                    run=run,
                    department_id=ds.department_id,
                    department_name=ds.name,
                    group=group,
                    weighted=ds.weighted,
                    deductions=ds.deductions,
                    bonuses=ds.bonuses,
                    score=ds.score,
                    rank=ds.rank,
                    note=ds.note[:500],
                )
            )
            line_sets.append(ds.lines)
    DepartmentResult.objects.bulk_create(results)
    if any(res.pk is None for res in results):  # backends without RETURNING ids
        by_dept = dict(run.results.values_list("department_id", "pk"))
        for res in results:
            res.pk = by_dept[res.department_id]
    lines = [
        ResultLine(
            result_id=res.pk,
            run=run,
            measure=ln.spec.measure,
            name=ln.spec.name,
            kind=ln.spec.kind,
            numerator=ln.value.numerator,
            denominator=ln.value.denominator,
            raw=ln.value.value,
            normalised=None if ln.normalised is None else round(ln.normalised, 4),
            weight=ln.spec.weight,
            effective_weight=round(ln.effective_weight, 4),
            contribution=round(ln.contribution, 4),
            no_data_reason=ln.no_data_reason[:300],
            sort_order=ln.spec.sort_order,
        )
        for res, lns in zip(results, line_sets, strict=True)
        for ln in lns
    ]
    ResultLine.objects.bulk_create(lines, batch_size=1000)
    record_timeline(run, actor=actor, action="compute", label="计算考核结果", to_state=run.state)
    audit_record(
        actor=actor,
        action="assessment_run.compute",
        obj=run,
        after={
            "period": p.code,
            "set": indicator_set.name,
            "number": run.number,
            "departments": len(results),
        },
    )
    return run


def _defined(key: str) -> bool:
    from yingshang.core.office_settings import REGISTRY

    return key in REGISTRY


def _publicity_done(user: Any, run: AssessmentRun) -> bool:
    today = timezone.localdate()
    return (
        run.publicity_end is not None
        and run.publicity_end < today
        and not run.objections.filter(state=wf.SUBMITTED).exists()
    )


PREDICATES = {"publicity_done": _publicity_done}


@transaction.atomic
def run_transition(
    *,
    actor: Any,
    run: AssessmentRun,
    action: str,
    seen_version: int | None = None,
    note: str = "",
    start_on: date | None = None,
) -> AssessmentRun:
    changes: dict[str, Any] = {}
    if action == "freeze":
        changes["frozen_at"] = timezone.now()
    elif action == "start_publicity":
        start = start_on or timezone.localdate()
        changes["publicity_start"] = start
        changes["publicity_end"] = add_workdays(start, int(get_setting("assessment_publicity_workdays")))
    elif action == "publish":
        changes["published_at"] = timezone.now()
    if action == "publish" and run.state == wf.PUBLICITY and actor.has_role(r.OFFICE):
        pending = run.objections.filter(state=wf.SUBMITTED).count()
        if pending:
            raise TransitionRefused(f"还有 {pending} 件异议未处理，处理完毕后才能发布。")
        if run.publicity_end and run.publicity_end >= timezone.localdate():
            raise TransitionRefused(f"公示期至 {run.publicity_end} 结束，公示期满后才能发布。")
    apply_transition(
        run,
        workflow=wf.RUN,
        user=actor,
        action=action,
        predicates=PREDICATES,
        seen_version=seen_version,
        changes=changes,
        note=note,
    )
    return run


# --- objections -----------------------------------------------------------------------------------------


@transaction.atomic
def objection_submit(
    *, actor: Any, run: AssessmentRun, reason: str, measure: str = "", files: Sequence[Any] = ()
) -> Objection:
    if not (getattr(actor, "is_authenticated", False) and actor.role_codes & r.DEPARTMENT_ROLES):
        raise PermissionRefused("只有参评单位的联络员或负责人可以提出异议。")
    if run.state != wf.PUBLICITY:
        raise TransitionRefused("只能在公示期内提出异议。")
    today = timezone.localdate()
    if run.publicity_end and today > run.publicity_end:
        raise TransitionRefused(f"公示期已于 {run.publicity_end} 结束。")
    result = run.results.filter(department_id=actor.department_id).first()
    if result is None:
        raise PermissionRefused("本单位不在该期考核范围内。")
    if not reason.strip():
        raise ValidationFailed("请填写异议理由。", fields={"reason": ["请填写异议理由。"]})
    if measure and not run.lines.filter(result=result, measure=measure).exists():
        raise ValidationFailed("所选指标不在本期考核指标中。", fields={"measure": ["指标无效。"]})
    obj = Objection(
        run=run,
        department_id=actor.department_id,
        measure=measure,
        reason=reason.strip(),
        submitted_by=actor,
        state=wf.SUBMITTED,
    )
    _full_clean(obj, exclude=["version"])
    obj.save()
    for f in files:
        attachment_add(actor=actor, obj=obj, uploaded=f, purpose="evidence", allowed=EVIDENCE_TYPES)
    record_timeline(obj, actor=actor, action="submit", label="提出异议", to_state=obj.state)
    audit_record(actor=actor, action="objection.submit", obj=obj, after={"run": run.pk, "measure": measure})
    return obj


@transaction.atomic
def objection_decide(
    *, actor: Any, objection: Objection, accept: bool, decision: str, seen_version: int | None = None
) -> Objection:
    apply_transition(
        objection,
        workflow=wf.OBJECTION,
        user=actor,
        action="accept" if accept else "reject",
        data={"decision": decision},
        seen_version=seen_version,
        changes={"decision": decision.strip(), "decided_by": actor, "decided_at": timezone.now()},
        note=decision,
    )
    return objection


# --- bulletins ------------------------------------------------------------------------------------------


def ensure_not_draft(run: AssessmentRun) -> None:
    if run.state == wf.DRAFT:
        raise TransitionRefused("考核结果冻结后才能编写和生成通报。")


@transaction.atomic
def bulletin_save(*, actor: Any, run: AssessmentRun, title: str, sections: Mapping[str, str]) -> Bulletin:
    _require_office(actor)
    ensure_not_draft(run)
    from .bulletin import SECTION_KEYS

    bulletin, _ = Bulletin.objects.get_or_create(run=run, defaults={"title": title.strip()[:200] or "通报"})
    before = {"title": bulletin.title, "sections": bulletin.sections}
    if not title.strip():
        raise ValidationFailed("请填写通报标题。", fields={"title": ["请填写标题。"]})
    bulletin.title = title.strip()[:200]
    bulletin.sections = {k: str(sections.get(k, "")).strip() for k in SECTION_KEYS}
    bulletin.updated_by = actor
    bulletin.save(update_fields=["title", "sections", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="bulletin.save", obj=bulletin, before=before, after={"title": bulletin.title}
    )
    return bulletin


@transaction.atomic
def bulletin_number(*, actor: Any, bulletin: Bulletin, on: date | None = None) -> Bulletin:
    """Give the bulletin its 发文字号 once: the year's next serial, taken under a row lock."""
    if bulletin.serial:
        return bulletin
    on = on or timezone.localdate()
    DocumentSequence.objects.get_or_create(year=on.year)
    seq = DocumentSequence.objects.select_for_update().get(year=on.year)
    seq.last += 1
    seq.save(update_fields=["last"])
    from .official_docx import document_number

    bulletin.year, bulletin.serial, bulletin.issued_on = on.year, seq.last, on
    bulletin.number = document_number(str(get_setting("assessment_doc_prefix")), on.year, seq.last)
    bulletin.save(update_fields=["year", "serial", "issued_on", "number"])
    audit_record(actor=actor, action="bulletin.number", obj=bulletin, after={"number": bulletin.number})
    return bulletin


# --- 营商环境指标监测 ------------------------------------------------------------------------------------


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
    _require_office(actor)
    from .evaluation import FIRST_LEVEL

    if first_level not in FIRST_LEVEL:
        raise ValidationFailed("请选择一级指标。", fields={"first_level": ["一级指标无效。"]})
    if float(frontier) == float(worst):
        raise ValidationFailed("前沿值与最差值不能相同。", fields={"worst": ["与前沿值相同。"]})
    if higher_is_better != (float(frontier) > float(worst)):
        raise ValidationFailed(
            "前沿值应为最优值：数值越高越好时前沿值应大于最差值，反之应小于最差值。",
            fields={"frontier": ["与“数值越高越好”不一致。"]},
        )
    obj = indicator or EvaluationIndicator()
    before = None if indicator is None else {"frontier": indicator.frontier, "worst": indicator.worst}
    obj.first_level, obj.name, obj.unit = first_level, name.strip(), unit.strip()
    obj.department = department
    obj.frontier, obj.worst, obj.higher_is_better = float(frontier), float(worst), higher_is_better
    obj.sort_order = sort_order
    _full_clean(obj)
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


def can_report_evaluation(user: Any, indicator: EvaluationIndicator) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(r.OFFICE):
        return True
    from yingshang.org.scope import department_ids

    ids = department_ids(user)
    return bool(user.role_codes & r.DEPARTMENT_ROLES) and ids is not None and indicator.department_id in ids


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
        raise PermissionRefused("只有该指标的责任单位或营商办可以填报。")
    p = parse_period(period)
    number = float(_decimal(value, "数值", "value"))
    if number < 0:
        raise ValidationFailed("数值不能为负数。", fields={"value": ["不能为负数。"]})
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
    _require_office(actor)
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
