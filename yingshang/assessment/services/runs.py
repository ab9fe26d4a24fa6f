"""Computing a period (a draft run), the run's workflow, and the objections during publicity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import REGISTRY as SETTINGS
from yingshang.core.office_settings import get_setting, settings_in_force
from yingshang.core.uploads import attachment_add
from yingshang.core.workflow import apply_transition
from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.workdays.calendar import add_workdays

from .. import measures as m
from .. import workflow as wf
from ..models import AssessmentRun, DepartmentResult, IndicatorSet, Objection, ResultLine
from ..periods import Period, started_period
from ..ranking import NO_DATA_RULE, score_group
from .common import EVIDENCE_TYPES, clean, require_office
from .indicator_sets import specs_of

SETTING_KEYS_IN_SNAPSHOT = [
    "appeals.rate_basic_weight",
    "ledger_report_due_workdays",
    "ledger_yellow_workdays",
    "ledger_red_missed_reports",
    "assessment_list_size",
    "assessment_publicity_workdays",
]


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
    require_office(actor)
    now = now or timezone.now()
    p = started_period(period, timezone.localdate(now))
    if not indicator_set.is_active:
        raise ValidationFailed("该指标体系已停用，不能用于计算。", code="assessment.indicator_set_inactive")
    specs = specs_of(indicator_set)
    if not specs:
        raise ValidationFailed("该指标体系没有指标。", code="assessment.indicator_set_empty")
    groups = eligible_departments(indicator_set.groups)
    if not any(groups.values()):
        raise ValidationFailed(
            f"{p.label}没有参评单位（市直部门或区县），未计算。",
            code="assessment.no_participants",
            fields={"period": ["没有参评单位。"]},
        )
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
        clean(run, exclude=["version"])
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
    return key in SETTINGS


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
            raise TransitionRefused(
                f"还有 {pending} 件异议未处理，处理完毕后才能发布。", code="assessment.objections_pending"
            )
        if run.publicity_end and run.publicity_end >= timezone.localdate():
            raise TransitionRefused(
                f"公示期至 {run.publicity_end} 结束，公示期满后才能发布。",
                code="assessment.publicity_not_over",
            )
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
        raise PermissionRefused(
            "只有参评单位的联络员或负责人可以提出异议。", code="assessment.objection_department_only"
        )
    if run.state != wf.PUBLICITY:
        raise TransitionRefused("只能在公示期内提出异议。", code="assessment.objection_outside_publicity")
    today = timezone.localdate()
    if run.publicity_end and today > run.publicity_end:
        raise TransitionRefused(
            f"公示期已于 {run.publicity_end} 结束。", code="assessment.objection_outside_publicity"
        )
    result = run.results.filter(department_id=actor.department_id).first()
    if result is None:
        raise PermissionRefused("本单位不在该期考核范围内。", code="assessment.objection_not_assessed")
    if not reason.strip():
        raise ValidationFailed(
            "请填写异议理由。",
            code="assessment.objection_reason_missing",
            fields={"reason": ["请填写异议理由。"]},
        )
    if measure and not run.lines.filter(result=result, measure=measure).exists():
        raise ValidationFailed(
            "所选指标不在本期考核指标中。",
            code="assessment.objection_measure_invalid",
            fields={"measure": ["指标无效。"]},
        )
    obj = Objection(
        run=run,
        department_id=actor.department_id,
        measure=measure,
        reason=reason.strip(),
        submitted_by=actor,
        state=wf.SUBMITTED,
    )
    clean(obj, exclude=["version"])
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
