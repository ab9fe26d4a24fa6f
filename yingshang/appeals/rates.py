"""Rates per department and period, computed from the records — ONE function per rate, each returning
{department_id: RateFigure} for every department with a non-empty denominator. The assessment app reuses
these. `rate_records` gives the records behind any figure (drill-down), from the same querysets.

Definitions (formulas and weights are office settings):
- 响应率 response: main-department dispatches made in the period whose appeal is neither a linked duplicate
  nor closed as invalid, excluding returned ones (a misdirected dispatch is not the department's failing);
  numerator: those signed within the sign-off limit.
- 解决率 resolution: follow-ups recorded in the period, not marked unreasonable, of appeals that are
  neither linked duplicates nor closed as invalid;
  numerator: solved.
- 满意率 satisfaction: same follow-ups; numerator: satisfied + w × basically satisfied (w = 0.9 by default).
- 按时答复率 on-time reply: main-department dispatches (not returned, valid appeals) whose reply limit fell in
  the period and has passed or been answered; numerator: answered by the limit.
- 综合 composite: 0.1 × response + 0.5 × resolution + 0.4 × satisfaction (weights are settings); None
  when one of the three has no data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from yingshang.core.office_settings import get_setting

from .models import Appeal, Dispatch, FollowUp

RATES = {
    "response": "响应率",
    "resolution": "解决率",
    "satisfaction": "满意率",
    "on_time_reply": "按时答复率",
}


@dataclass(frozen=True)
class RateFigure:
    numerator: float
    denominator: int

    @property
    def value(self) -> float | None:
        return None if not self.denominator else self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(self.value * 100, 2)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in local time."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def _scoped(qs: QuerySet, department_ids: set[int] | list[int] | None) -> QuerySet:
    return qs if department_ids is None else qs.filter(department_id__in=department_ids)


# Duplicates and invalid appeals are marked on the dispatch and follow-up rows themselves (`counted`).
VALID_APPEAL = Q(counted=True)


def response_base(start: date, end: date, department_ids: Any = None) -> QuerySet[Dispatch]:
    lo, hi = _bounds(start, end)
    qs = Dispatch.objects.filter(
        VALID_APPEAL,
        role=Dispatch.Role.MAIN,
        dispatched_at__gte=lo,
        dispatched_at__lt=hi,
        returned_at__isnull=True,
    )
    return _scoped(qs, department_ids)


RESPONSE_HIT = Q(signed_at__isnull=False, signed_at__lte=F("sign_deadline"))


def response_rate(start: date, end: date, department_ids: Any = None) -> dict[int, RateFigure]:
    rows = (
        response_base(start, end, department_ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=RESPONSE_HIT))
    )
    return {row["department_id"]: RateFigure(row["num"], row["den"]) for row in rows}


def followup_base(start: date, end: date, department_ids: Any = None) -> QuerySet[FollowUp]:
    lo, hi = _bounds(start, end)
    qs = FollowUp.objects.filter(recorded_at__gte=lo, recorded_at__lt=hi, unreasonable=False, counted=True)
    return _scoped(qs, department_ids)


def resolution_rate(start: date, end: date, department_ids: Any = None) -> dict[int, RateFigure]:
    rows = (
        followup_base(start, end, department_ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=Q(solved=True)))
    )
    return {row["department_id"]: RateFigure(row["num"], row["den"]) for row in rows}


def satisfaction_rate(
    start: date, end: date, department_ids: Any = None, at: datetime | None = None
) -> dict[int, RateFigure]:
    weight = float(get_setting("appeals.rate_basic_weight", at))
    rows = (
        followup_base(start, end, department_ids)
        .values("department_id")
        .annotate(
            den=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction=FollowUp.Satisfaction.SATISFIED)),
            basic=Count("id", filter=Q(satisfaction=FollowUp.Satisfaction.BASIC)),
        )
    )
    return {
        row["department_id"]: RateFigure(row["satisfied"] + weight * row["basic"], row["den"]) for row in rows
    }


def on_time_reply_base(
    start: date, end: date, department_ids: Any = None, now: datetime | None = None
) -> QuerySet[Dispatch]:
    lo, hi = _bounds(start, end)
    now = now or timezone.now()
    qs = Dispatch.objects.filter(
        VALID_APPEAL,
        role=Dispatch.Role.MAIN,
        returned_at__isnull=True,
        reply_deadline__gte=lo,
        reply_deadline__lt=hi,
    ).filter(Q(replied_at__isnull=False) | Q(reply_deadline__lt=now))
    return _scoped(qs, department_ids)


ON_TIME_HIT = Q(replied_at__isnull=False, replied_at__lte=F("reply_deadline"))


def on_time_reply_rate(
    start: date, end: date, department_ids: Any = None, now: datetime | None = None
) -> dict[int, RateFigure]:
    rows = (
        on_time_reply_base(start, end, department_ids, now)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=ON_TIME_HIT))
    )
    return {row["department_id"]: RateFigure(row["num"], row["den"]) for row in rows}


def composite_score(
    start: date,
    end: date,
    department_ids: Any = None,
    at: datetime | None = None,
    *,
    parts: dict[str, dict[int, RateFigure]] | None = None,
) -> dict[int, float | None]:
    """Weighted composite in 0..1 per department; None where a component has no data."""
    parts = parts or {
        "response": response_rate(start, end, department_ids),
        "resolution": resolution_rate(start, end, department_ids),
        "satisfaction": satisfaction_rate(start, end, department_ids, at),
    }
    weights = {
        name: float(get_setting(f"appeals.rate_weight_{name}", at))
        for name in ("response", "resolution", "satisfaction")
    }
    out: dict[int, float | None] = {}
    for dept in set().union(*(parts[name].keys() for name in weights)):
        values = {name: parts[name].get(dept, RateFigure(0, 0)).value for name in weights}
        total = 0.0
        for name, value in values.items():
            if value is None:
                out[dept] = None
                break
            total += weights[name] * value
        else:
            out[dept] = total
    return out


def all_rates(
    start: date, end: date, department_ids: Any = None, now: datetime | None = None
) -> dict[str, Any]:
    parts = {
        "response": response_rate(start, end, department_ids),
        "resolution": resolution_rate(start, end, department_ids),
        "satisfaction": satisfaction_rate(start, end, department_ids),
        "on_time_reply": on_time_reply_rate(start, end, department_ids, now),
    }
    parts_composite = composite_score(start, end, department_ids, parts=parts)
    return {**parts, "composite": parts_composite}


def rate_records(
    rate: str, part: str, department_id: int, start: date, end: date, now: datetime | None = None
) -> QuerySet[Appeal]:
    """The appeals behind one figure: `part` is "denominator" or "numerator" (for satisfaction also
    "satisfied"/"basic"). Built from the same base querysets as the figures."""
    ids = [department_id]
    if rate == "response":
        base: QuerySet = response_base(start, end, ids)
        hit = RESPONSE_HIT
    elif rate in {"resolution", "satisfaction"}:
        base = followup_base(start, end, ids)
        if rate == "resolution":
            hit = Q(solved=True)
        elif part == "basic":
            hit = Q(satisfaction=FollowUp.Satisfaction.BASIC)
        else:
            hit = Q(satisfaction__in=[FollowUp.Satisfaction.SATISFIED, FollowUp.Satisfaction.BASIC])
            if part == "satisfied":
                hit = Q(satisfaction=FollowUp.Satisfaction.SATISFIED)
    elif rate == "on_time_reply":
        base = on_time_reply_base(start, end, ids, now)
        hit = ON_TIME_HIT
    else:
        raise ValueError(rate)
    if part != "denominator":
        base = base.filter(hit)
    return Appeal.objects.filter(pk__in=base.values("appeal_id")).select_related("main_department")
