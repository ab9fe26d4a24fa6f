"""The indicator registry: each computed measure is ONE function over the records of a period for a set of
departments, returning {department_id: MeasureValue} in a few grouped queries, and ONE function listing
the records behind a department's figure (drill-down). The score page, the bulletin, the dashboard and the
`assess` command all read figures from here; the appeal rates are those of `yingshang.appeals.rates`.

Where the other apps lack a bulk selector, the query is written here, read-only, over their models:
- ledger: tasks led by a department (TaskDepartment role "lead"), progress reports, `missing_at`;
- supervision: orders by reply deadline, findings by rectification deadline (the same definition as
  `supervision.selectors.findings_for_department`, for all departments in one query), findings by
  inspection date; published cases come from `supervision.selectors.published_cases`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from yingshang.ledger.workflow import CANCELLED, CLOSED, OPEN, TASK
from yingshang.supervision.models import SupervisionOrder
from yingshang.supervision.workflow import FINDING, FINDING_RECTIFIED, ORDER

from .periods import Period


@dataclass(frozen=True)
class MeasureValue:
    numerator: float | None
    denominator: float | None
    value: float | None
    no_data_reason: str = ""

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class DrillItem:
    label: str
    url: str
    status: str = ""
    note: str = ""
    counted: bool = True  # in the numerator (rates) / counted (counts)


@dataclass(frozen=True)
class MeasureDef:
    key: str
    label: str
    source: str  # 台账 / 督查督办 / 企业诉求 / 考核
    unit: str  # "%", "项", "分"
    kind: str  # default indicator kind: score / deduction / bonus
    higher_is_better: bool
    definition: str  # the rule in words, shown on the score page and stored in the snapshot
    compute: Callable[[Period, list[int]], dict[int, MeasureValue]]
    items: Callable[[Period, int], list[DrillItem]] | None = None
    external_drill: Callable[[Period, int], str] | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


REGISTRY: dict[str, MeasureDef] = {}


def register(defn: MeasureDef) -> MeasureDef:
    REGISTRY[defn.key] = defn
    return defn


def measure(key: str) -> MeasureDef:
    return REGISTRY[key]


def choices() -> list[tuple[str, str]]:
    return [(k, f"{d.label}（{d.source}）") for k, d in REGISTRY.items()]


def _today() -> date:
    return timezone.localdate()


def _rate(num: float, den: float, empty: str) -> MeasureValue:
    if not den:
        return MeasureValue(None, 0, None, empty)
    return MeasureValue(num, den, round(num / den * 100, 4))


def _rates_for(
    ids: Iterable[int], rows: dict[int, tuple[float, float]], empty: str
) -> dict[int, MeasureValue]:
    return {i: _rate(*rows.get(i, (0, 0)), empty) for i in ids}


def _counts_for(ids: Iterable[int], counts: dict[int, float]) -> dict[int, MeasureValue]:
    return {i: MeasureValue(counts.get(i, 0), None, float(counts.get(i, 0))) for i in ids}


def drill_url(key: str, period: Period, department_id: int) -> str:
    defn = REGISTRY[key]
    if defn.external_drill is not None:
        return defn.external_drill(period, department_id)
    query = urlencode({"measure": key, "period": period.code, "department": department_id})
    return f"{reverse('assessment:drill')}?{query}"


def compute(
    keys: Iterable[str], period: Period, department_ids: list[int]
) -> dict[str, dict[int, MeasureValue]]:
    return {key: REGISTRY[key].compute(period, department_ids) for key in keys}


# --- ledger ---------------------------------------------------------------------------------------------


def _lead_links(period: Period, ids: list[int]) -> QuerySet:
    from yingshang.ledger.models import TaskDepartment

    # Cancelled tasks and tasks imported as history (outside assessment) are never scored.
    return TaskDepartment.objects.filter(
        role="lead", department_id__in=ids, task__in_assessment=True
    ).exclude(task__state=CANCELLED)


def _on_time_base(period: Period, ids: list[int]) -> QuerySet:
    # Tasks due in the period whose deadline has passed, or already closed.
    return _lead_links(period, ids).filter(
        Q(task__deadline__lt=_today()) | Q(task__state=CLOSED),
        task__ongoing=False,
        task__deadline__gte=period.start,
        task__deadline__lte=period.end,
    )


ON_TIME_HIT = Q(task__state=CLOSED, task__closed_on__lte=F("task__deadline"))


def on_time_completion(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = (
        _on_time_base(period, ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=ON_TIME_HIT))
    )
    return _rates_for(ids, {r["department_id"]: (r["num"], r["den"]) for r in rows}, "本期无到期任务")


def _task_items(qs: QuerySet, hit: Q) -> list[DrillItem]:
    hits = set(qs.filter(hit).values_list("task_id", flat=True))
    out = []
    for link in qs.select_related("task").order_by("task__deadline", "task_id"):
        t = link.task
        out.append(
            DrillItem(
                label=f"{t.serial} {t.title[:60]}".strip(),
                url=reverse("ledger:task", args=[t.pk]),
                status=TASK.label(t.state),
                note=f"完成时限 {t.deadline}" + (f"，销号 {t.closed_on}" if t.closed_on else ""),
                counted=t.pk in hits,
            )
        )
    return out


def _close_out_base(period: Period, ids: list[int]) -> QuerySet:
    return _lead_links(period, ids).filter(
        task__ongoing=False, task__deadline__lte=period.end, task__start_date__lte=period.end
    )


def _close_out_hit(period: Period) -> Q:
    return Q(task__closed_on__isnull=False, task__closed_on__lte=period.end)


def close_out_rate(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = (
        _close_out_base(period, ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=_close_out_hit(period)))
    )
    return _rates_for(ids, {r["department_id"]: (r["num"], r["den"]) for r in rows}, "截至期末无应销号任务")


def _reports_base(period: Period, ids: list[int]) -> QuerySet:
    from yingshang.ledger.models import ProgressReport

    lo, hi = _bounds(period)
    return ProgressReport.objects.filter(department_id__in=ids, submitted_at__gte=lo, submitted_at__lt=hi)


def _missing_base(period: Period, ids: list[int]) -> QuerySet:
    # A report owed and not made is a recorded fact (未按时反馈): open tasks whose missing date fell in the
    # period (and has come).
    return _lead_links(period, ids).filter(
        task__state__in=OPEN,
        task__missing_at__gte=period.start,
        task__missing_at__lte=min(period.end, _today()),
    )


def timely_feedback(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows: dict[int, list[float]] = defaultdict(lambda: [0, 0])
    for r in (
        _reports_base(period, ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=Q(is_late=False)))
    ):
        rows[r["department_id"]][0] += r["num"]
        rows[r["department_id"]][1] += r["den"]
    for r in _missing_base(period, ids).values("department_id").annotate(n=Count("id")):
        rows[r["department_id"]][1] += r["n"]
    return _rates_for(ids, {k: (v[0], v[1]) for k, v in rows.items()}, "本期无应反馈事项")


def _feedback_items(period: Period, dept: int) -> list[DrillItem]:
    out = [
        DrillItem(
            label=f"{r.task.serial} {r.task.title[:50]}".strip(),
            url=reverse("ledger:task", args=[r.task_id]),
            status="逾期反馈" if r.is_late else "按时反馈",
            note=f"反馈周期 {r.period_start}，提交于 {timezone.localtime(r.submitted_at):%Y-%m-%d}",
            counted=not r.is_late,
        )
        for r in _reports_base(period, [dept]).select_related("task").order_by("submitted_at", "id")
    ]
    out += [
        DrillItem(
            label=f"{link.task.serial} {link.task.title[:50]}".strip(),
            url=reverse("ledger:task", args=[link.task_id]),
            status="未按时反馈",
            note=f"应反馈未反馈（自 {link.task.missing_at} 起）",
            counted=False,
        )
        for link in _missing_base(period, [dept]).select_related("task").order_by("task__missing_at")
    ]
    return out


# --- supervision ----------------------------------------------------------------------------------------


def _bounds(period: Period) -> tuple[Any, Any]:
    from datetime import datetime, time

    return (
        timezone.make_aware(datetime.combine(period.start, time.min)),
        timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min)),
    )


def _orders_base(period: Period, ids: list[int]) -> QuerySet:
    return SupervisionOrder.objects.filter(
        Q(reply_deadline__lt=_today()) | Q(answered_at__isnull=False),
        department_id__in=ids,
        reply_deadline__gte=period.start,
        reply_deadline__lte=period.end,
    )


ORDER_HIT = Q(state=SupervisionOrder.State.CONCLUDED, answered_at__date__lte=F("reply_deadline"))


def orders_on_time(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = (
        _orders_base(period, ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=ORDER_HIT))
    )
    return _rates_for(ids, {r["department_id"]: (r["num"], r["den"]) for r in rows}, "本期无到期督办单")


def _order_items(period: Period, dept: int) -> list[DrillItem]:
    qs = _orders_base(period, [dept])
    hits = set(qs.filter(ORDER_HIT).values_list("pk", flat=True))
    return [
        DrillItem(
            label=f"{o.number} {o.target_label[:50]}",
            url=reverse("supervision:order_detail", args=[o.pk]),
            status=ORDER.label(o.state),
            note=f"答复时限 {o.reply_deadline}",
            counted=o.pk in hits,
        )
        for o in qs.order_by("reply_deadline", "id")
    ]


def _findings_base(period: Period, ids: list[int]) -> QuerySet:
    from yingshang.supervision.models import Finding

    return Finding.objects.filter(
        Q(rectification_deadline__lt=_today()) | Q(state__in=FINDING_RECTIFIED),
        department_id__in=ids,
        rectification_deadline__gte=period.start,
        rectification_deadline__lte=period.end,
    )


RECTIFIED_HIT = Q(
    state__in=FINDING_RECTIFIED,
    reported_at__isnull=False,
    reported_at__date__lte=F("rectification_deadline"),
)


def rectification_rate(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = (
        _findings_base(period, ids)
        .values("department_id")
        .annotate(den=Count("id"), num=Count("id", filter=RECTIFIED_HIT))
    )
    return _rates_for(ids, {r["department_id"]: (r["num"], r["den"]) for r in rows}, "本期无到期整改问题")


def _finding_items(qs: QuerySet, hits: set[int]) -> list[DrillItem]:
    return [
        DrillItem(
            label=f.description[:60],
            url=reverse("supervision:finding_detail", args=[f.pk]),
            status=FINDING.label(f.state),
            note=f"整改时限 {f.rectification_deadline}",
            counted=f.pk in hits,
        )
        for f in qs.order_by("rectification_deadline", "id")
    ]


def _rectification_items(period: Period, dept: int) -> list[DrillItem]:
    qs = _findings_base(period, [dept])
    return _finding_items(qs, set(qs.filter(RECTIFIED_HIT).values_list("pk", flat=True)))


def _findings_found(period: Period, ids: list[int]) -> QuerySet:
    from yingshang.supervision.models import Finding

    return Finding.objects.filter(
        department_id__in=ids, inspection__date__gte=period.start, inspection__date__lte=period.end
    )


def finding_count(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = _findings_found(period, ids).values("department_id").annotate(n=Count("id"))
    return _counts_for(ids, {r["department_id"]: r["n"] for r in rows})


def _finding_found_items(period: Period, dept: int) -> list[DrillItem]:
    qs = _findings_found(period, [dept])
    return _finding_items(qs, set(qs.values_list("pk", flat=True)))


def case_count(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    from yingshang.supervision.selectors import published_cases

    wanted = set(ids)
    counts: dict[int, float] = defaultdict(float)
    for case in published_cases(period.start, period.end):
        for dept in case["department_ids"]:
            if dept in wanted:
                counts[dept] += 1
    return _counts_for(ids, counts)


def _case_items(period: Period, dept: int) -> list[DrillItem]:
    from yingshang.supervision.selectors import published_cases

    return [
        DrillItem(
            label=c["title"],
            url=reverse("supervision:case_detail", args=[c["id"]]),
            status=c["action_label"],
            note=f"处理日期 {c['case_date']}",
        )
        for c in published_cases(period.start, period.end)
        if dept in c["department_ids"]
    ]


# --- appeals (formulas in yingshang.appeals.rates) -------------------------------------------------------


def _appeal_rate(name: str) -> Callable[[Period, list[int]], dict[int, MeasureValue]]:
    def compute_rate(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
        from yingshang.appeals import rates

        table: dict[str, Callable[..., dict[int, Any]]] = {
            "response": rates.response_rate,
            "resolution": rates.resolution_rate,
            "satisfaction": rates.satisfaction_rate,
            "on_time_reply": rates.on_time_reply_rate,
        }
        fn = table[name]
        figures = fn(period.start, period.end, ids)
        empty = "本期无派单诉求" if name in {"response", "on_time_reply"} else "本期无回访记录"
        return _rates_for(ids, {k: (f.numerator, f.denominator) for k, f in figures.items()}, empty)

    compute_rate.__name__ = f"appeal_{name}"
    return compute_rate


def _appeal_drill(name: str) -> Callable[[Period, int], str]:
    def url(period: Period, dept: int) -> str:
        query = urlencode(
            {
                "rate": name,
                "part": "denominator",
                "department": dept,
                "start": period.start,
                "end": period.end,
            }
        )
        return f"{reverse('appeals:rates_drill')}?{query}"

    return url


# --- bonus items (this app) -----------------------------------------------------------------------------


def _bonus_base(period: Period, ids: list[int]) -> QuerySet:
    from .models import BonusItem

    return BonusItem.objects.filter(
        state=BonusItem.State.APPROVED,
        department_id__in=ids,
        awarded_on__gte=period.start,
        awarded_on__lte=period.end,
    )


def bonus_points(period: Period, ids: list[int]) -> dict[int, MeasureValue]:
    rows = _bonus_base(period, ids).values("department_id").annotate(n=Count("id"), pts=Sum("points"))
    found = {r["department_id"]: r for r in rows}
    return {
        i: MeasureValue(found[i]["n"], None, float(found[i]["pts"]))
        if i in found
        else MeasureValue(0, None, 0.0)
        for i in ids
    }


def _bonus_items(period: Period, dept: int) -> list[DrillItem]:
    return [
        DrillItem(
            label=b.title,
            url=f"{reverse('assessment:bonus_list')}?department={dept}",
            status=f"{b.points:g} 分",
            note=f"{b.awarded_on} {b.basis[:60]}",
        )
        for b in _bonus_base(period, [dept]).order_by("awarded_on", "id")
    ]


register(
    MeasureDef(
        "task_on_time",
        "任务按时完成率",
        "台账",
        "%",
        "score",
        True,
        "牵头任务中完成时限在本期且已到期（或已销号）的为分母，在完成时限内销号的为分子。",
        on_time_completion,
        lambda p, d: _task_items(_on_time_base(p, [d]), ON_TIME_HIT),
    )
)
register(
    MeasureDef(
        "task_close_out",
        "任务销号率",
        "台账",
        "%",
        "score",
        True,
        "截至期末应完成的牵头任务（不含长期任务、已取消任务）为分母，期末前已销号的为分子。",
        close_out_rate,
        lambda p, d: _task_items(_close_out_base(p, [d]), _close_out_hit(p)),
    )
)
register(
    MeasureDef(
        "task_feedback",
        "进度按时反馈率",
        "台账",
        "%",
        "score",
        True,
        "本期提交的进度反馈与本期出现的未按时反馈之和为分母，按时提交的反馈为分子。",
        timely_feedback,
        _feedback_items,
    )
)
register(
    MeasureDef(
        "order_on_time",
        "督办按时办结率",
        "督查督办",
        "%",
        "score",
        True,
        "答复时限在本期且已到期（或已答复）的督办单为分母，按时答复并办结的为分子。",
        orders_on_time,
        _order_items,
    )
)
register(
    MeasureDef(
        "rectification",
        "问题整改率",
        "督查督办",
        "%",
        "score",
        True,
        "整改时限在本期且已到期（或已整改）的明察暗访问题为分母，在时限内报告整改并经复核的为分子。",
        rectification_rate,
        _rectification_items,
    )
)
for _key, _name, _label, _definition in [
    (
        "appeal_response",
        "response",
        "诉求响应率",
        "主办派单（不含退单、重复件、作废件）中在签收时限内签收的比例。",
    ),
    ("appeal_resolution", "resolution", "诉求解决率", "本期回访（不含认定不合理诉求）中问题已解决的比例。"),
    ("appeal_satisfaction", "satisfaction", "诉求满意率", "本期回访中“满意”加“基本满意”乘以折算系数的比例。"),
    ("appeal_on_time", "on_time_reply", "诉求按时答复率", "答复时限在本期的主办派单中在时限内答复的比例。"),
]:
    register(
        MeasureDef(
            _key,
            _label,
            "企业诉求",
            "%",
            "score",
            True,
            _definition,
            _appeal_rate(_name),
            None,
            _appeal_drill(_name),
        )
    )
register(
    MeasureDef(
        "case_deduction",
        "典型案例通报",
        "督查督办",
        "项",
        "deduction",
        False,
        "本期通报的典型案例中涉及本单位的件数，每件按每项分值扣分。",
        case_count,
        _case_items,
    )
)
register(
    MeasureDef(
        "finding_deduction",
        "明察暗访发现问题",
        "督查督办",
        "项",
        "deduction",
        False,
        "本期明察暗访发现的本单位问题件数，每件按每项分值扣分。",
        finding_count,
        _finding_found_items,
    )
)
register(
    MeasureDef(
        "bonus",
        "加分事项",
        "考核",
        "分",
        "bonus",
        True,
        "本期经营商办认定的加分事项分值之和，乘以每项分值（通常为 1）。",
        bonus_points,
        _bonus_items,
    )
)
