"""Refreshing the dashboard's figures: a handful of grouped queries over the ledger, appeals and
supervision (read-only), written to `Figure` in one transaction. Keys:

- task_level            department × level (red/yellow/green) of active tasks by primary lead department
- task_category_level   dim "<category id>:<level>" (city-wide)
- closeout_month        dim "<YYYY-MM>:closed|total" — tasks due by each month's end and those closed
                        by then, last 12 months
- appeal_month          dim "<YYYY-MM>" — appeals received per month, last 12 months
- rate_month            dim "<YYYY-MM>:<rate>" — city-wide rate in percent, last 6 months
- appeal_dept           department — appeals received this quarter (main department)
- rate_dept             department × dim "<rate>" — this quarter, percent
- order_open            department × dim "<level>" — open supervision orders; dim "overdue" too
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import Figure, Refresh

LEVELS = ("red", "yellow", "green")
RATES = ("response", "resolution", "satisfaction", "on_time_reply")


def month_starts(today: date, count: int) -> list[date]:
    out = []
    y, m = today.year, today.month
    for _ in range(count):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def quarter_bounds(today: date) -> tuple[date, date]:
    first = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, first, 1), month_end(date(today.year, first + 2, 1))


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, dtime.min))


def _figure(key: str, value: float, department_id: int | None = None, dim: str = "") -> Figure:
    return Figure(key=key, department_id=department_id, dim=dim, value=value)


def task_levels(today: date) -> list[Figure]:
    """task_level and task_category_level: the ledger list's `state=open&warning=<level>` rule."""
    from yingshang.ledger import workflow as lwf
    from yingshang.ledger.models import Task
    from yingshang.ledger.selectors import warning_q

    active = Task.objects.filter(state__in=list(lwf.ACTIVE))
    level_counts = {lv: Count("id", filter=warning_q(lv, today)) for lv in LEVELS}
    rows = [
        _figure("task_level", r[lv], r["primary_lead_id"], lv)
        for r in active.values("primary_lead_id").annotate(**level_counts)
        for lv in LEVELS
        if r[lv]
    ]
    rows += [
        _figure("task_category_level", r[lv], None, f"{r['category_id'] or 0}:{lv}")
        for r in active.values("category_id").annotate(**level_counts)
        for lv in LEVELS
        if r[lv]
    ]
    return rows


def closeout_months(months: list[date]) -> list[Figure]:
    """Tasks due by each month's end, and those of them closed by then: the list's due_by / closed_by."""
    from yingshang.ledger.models import Task
    from yingshang.ledger.selectors import closed_by_q, due_by_q

    aggs: dict[str, Any] = {}
    for ms in months:
        aggs[f"c{ms:%Y%m}"] = Count("id", filter=closed_by_q(month_end(ms)))
        aggs[f"t{ms:%Y%m}"] = Count("id", filter=due_by_q(month_end(ms)))
    totals = Task.objects.aggregate(**aggs)
    rows = []
    for ms in months:
        rows.append(_figure("closeout_month", totals[f"c{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}:closed"))
        rows.append(_figure("closeout_month", totals[f"t{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}:total"))
    return rows


def appeal_months(months: list[date]) -> list[Figure]:
    """Appeals received per month, local days: the appeals list's start/end."""
    from yingshang.appeals.models import Appeal

    appeal_aggs = {
        f"m{ms:%Y%m}": Count(
            "id",
            filter=Q(received_at__gte=_aware(ms), received_at__lt=_aware(month_end(ms) + timedelta(days=1))),
        )
        for ms in months
    }
    counts = Appeal.objects.filter(received_at__gte=_aware(months[0])).aggregate(**appeal_aggs)
    return [_figure("appeal_month", counts[f"m{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}") for ms in months]


def _rate_functions() -> dict[str, Callable[..., dict[int, Any]]]:
    from yingshang.appeals import rates

    return {
        "response": rates.response_rate,
        "resolution": rates.resolution_rate,
        "satisfaction": rates.satisfaction_rate,
        "on_time_reply": rates.on_time_reply_rate,
    }


def rate_months(months: list[date]) -> list[Figure]:
    """The city-wide rates of each month, in percent (the rates table of that month)."""
    rows = []
    for ms in months:
        for name, fn in _rate_functions().items():
            figures = fn(ms, month_end(ms))
            num = sum(f.numerator for f in figures.values())
            den = sum(f.denominator for f in figures.values())
            if den:
                rows.append(_figure("rate_month", round(num / den * 100, 2), None, f"{ms:%Y-%m}:{name}"))
    return rows


def department_rates(today: date) -> list[Figure]:
    """This quarter: appeals received per main department, and each department's rates in percent."""
    from yingshang.appeals.models import Appeal

    qs_start, qs_end = quarter_bounds(today)
    rows = [
        _figure("appeal_dept", r["n"], r["main_department_id"])
        for r in Appeal.objects.filter(received_at__gte=_aware(qs_start), main_department__isnull=False)
        .values("main_department_id")
        .annotate(n=Count("id"))
    ]
    functions = _rate_functions()
    for name in ("response", "resolution", "satisfaction"):
        for dept, f in functions[name](qs_start, qs_end).items():
            if f.value is not None:
                rows.append(_figure("rate_dept", round(f.value * 100, 2), dept, name))
    return rows


def open_orders(today: date) -> list[Figure]:
    """Open supervision orders per department and level, and the overdue ones: the order list's
    `state=open&level=` and `state=overdue`."""
    from yingshang.supervision.models import SupervisionOrder
    from yingshang.supervision.selectors import OPEN_ORDER_STATES, overdue_order_q

    rows = []
    for r in (
        SupervisionOrder.objects.filter(state__in=OPEN_ORDER_STATES)
        .values("department_id", "level")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=overdue_order_q(today)),
        )
    ):
        rows.append(_figure("order_open", r["n"], r["department_id"], r["level"]))
        if r["overdue"]:
            rows.append(_figure("order_open", r["overdue"], r["department_id"], "overdue"))
    return rows


def collect(today: date | None = None) -> list[Figure]:
    today = today or timezone.localdate()
    months = month_starts(today, 12)
    return [
        *task_levels(today),
        *closeout_months(months),
        *appeal_months(months),
        *rate_months(months[-6:]),
        *department_rates(today),
        *open_orders(today),
    ]


@transaction.atomic
def refresh(today: date | None = None) -> int:
    """Replace every figure with freshly computed ones; safe to run twice (the second run rewrites)."""
    started = time.perf_counter()
    rows = collect(today)
    Figure.objects.all().delete()
    Figure.objects.bulk_create(rows, batch_size=1000)
    Refresh.objects.create(
        refreshed_at=timezone.now(), seconds=round(time.perf_counter() - started, 3), rows=len(rows)
    )
    Refresh.objects.filter(pk__in=list(Refresh.objects.values_list("pk", flat=True)[20:])).delete()
    return len(rows)
