"""Every read of the assessment, already scoped."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.org.scope import department_ids

from . import workflow as wf
from .models import AssessmentRun, BonusItem, Bulletin, DepartmentResult, IndicatorSet, Objection, ResultLine
from .ranking import GROUPS, red_black


def runs(user: Any, *, period: str = "", state: str = "") -> QuerySet[AssessmentRun]:
    roles = user.role_codes if getattr(user, "is_authenticated", False) else frozenset()
    qs = AssessmentRun.objects.select_related("indicator_set", "computed_by")
    if r.OFFICE in roles:
        pass
    elif roles & r.CITY_WIDE_ROLES:
        qs = qs.exclude(state=wf.DRAFT)
    elif roles & r.DEPARTMENT_ROLES:
        qs = qs.filter(state__in=[wf.PUBLICITY, wf.PUBLISHED])
    else:
        qs = qs.none()
    if period:
        qs = qs.filter(period_code=period)
    if state in wf.RUN_STATES:
        qs = qs.filter(state=state)
    return qs.order_by("-period_start", "-number", "-id")


def indicator_sets() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.prefetch_related("indicators").order_by("-is_active", "name")


def grouped_results(run: AssessmentRun) -> list[dict[str, Any]]:
    """[{group, label, results}] ranked (one query)."""
    by_group: dict[str, list[DepartmentResult]] = defaultdict(list)
    for res in run.results.order_by("group", "rank", "department_name"):
        by_group[res.group].append(res)
    for members in by_group.values():
        members.sort(key=lambda x: (x.rank is None, x.rank or 0, x.department_name))
    return [{"group": g, "label": GROUPS[g], "results": by_group[g]} for g in GROUPS if g in by_group]


def lines_by_department(run: AssessmentRun) -> dict[int, dict[str, ResultLine]]:
    out: dict[int, dict[str, ResultLine]] = defaultdict(dict)
    for line in ResultLine.objects.filter(run=run).select_related("result"):
        out[line.result.department_id][line.measure] = line
    return out


def red_black_lists(run: AssessmentRun) -> list[dict[str, Any]]:
    size = int(
        run.inputs.get("settings", {}).get("assessment_list_size") or get_setting("assessment_list_size")
    )
    out = []
    for g in grouped_results(run):
        red, black = red_black(g["results"], size)
        out.append({**g, "red": red, "black": black, "size": size})
    return out


def latest_run(*, states: tuple[str, ...] = (wf.PUBLISHED,)) -> AssessmentRun | None:
    return (
        AssessmentRun.objects.filter(state__in=states)
        .select_related("indicator_set")
        .order_by("-period_end", "-published_at", "-number")
        .first()
    )


def objections(user: Any, run: AssessmentRun) -> QuerySet[Objection]:
    qs = run.objections.select_related("department", "submitted_by", "decided_by")
    roles = user.role_codes if getattr(user, "is_authenticated", False) else frozenset()
    if roles & r.CITY_WIDE_ROLES:
        return qs
    ids = department_ids(user) or set()
    return qs.filter(department_id__in=ids)


def bonus_items(user: Any, *, status: str = "", department: str = "") -> QuerySet[BonusItem]:
    qs = BonusItem.objects.select_related("department", "created_by", "decided_by")
    ids = department_ids(user)
    if ids is not None:
        qs = qs.filter(department_id__in=ids)
    if status in BonusItem.State.values:
        qs = qs.filter(state=status)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    return qs.order_by("-awarded_on", "-id")


def active_indicator_sets() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.filter(is_active=True)


def bulletin_of(run: AssessmentRun) -> Bulletin | None:
    return Bulletin.objects.filter(run=run).first()


def bonus_departments() -> QuerySet[Department]:
    """The units a bonus item may be recorded for: active city departments and districts."""
    return Department.objects.filter(is_active=True, kind__in=list(GROUPS)).order_by("sort_order", "code")


def monitoring_departments() -> QuerySet[Department]:
    """The units an evaluation indicator may be given to: active, not sub-units."""
    return Department.objects.filter(is_active=True).exclude(kind="sub").order_by("sort_order", "code")
