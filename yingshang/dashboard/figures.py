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
OPEN_ORDER_STATES = ("issued", "signed", "answered")


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


def collect(today: date | None = None) -> list[Figure]:
    from yingshang.appeals import rates
    from yingshang.appeals.models import Appeal
    from yingshang.ledger import workflow as lwf
    from yingshang.ledger.models import Task
    from yingshang.ledger.selectors import warning_q
    from yingshang.supervision.models import SupervisionOrder

    today = today or timezone.localdate()
    rows: list[Figure] = []

    def add(key: str, value: float, department_id: int | None = None, dim: str = "") -> None:
        rows.append(Figure(key=key, department_id=department_id, dim=dim, value=value))

    active = Task.objects.filter(state__in=list(lwf.ACTIVE))
    level_counts = {lv: Count("id", filter=warning_q(lv, today)) for lv in LEVELS}
    for r in active.values("primary_lead_id").annotate(**level_counts):
        for lv in LEVELS:
            if r[lv]:
                add("task_level", r[lv], r["primary_lead_id"], lv)
    for r in active.values("category_id").annotate(**level_counts):
        for lv in LEVELS:
            if r[lv]:
                add("task_category_level", r[lv], None, f"{r['category_id'] or 0}:{lv}")

    months = month_starts(today, 12)
    live = Task.objects.exclude(state="cancelled").exclude(ongoing=True)
    aggs: dict[str, Any] = {}
    for ms in months:
        me = month_end(ms)
        # Tasks due by the month's end, and those of them closed by then.
        aggs[f"c{ms:%Y%m}"] = Count("id", filter=Q(deadline__lte=me, closed_on__lte=me))
        aggs[f"t{ms:%Y%m}"] = Count("id", filter=Q(deadline__lte=me))
    totals = live.aggregate(**aggs)
    for ms in months:
        add("closeout_month", totals[f"c{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}:closed")
        add("closeout_month", totals[f"t{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}:total")

    lo = _aware(months[0])
    appeal_aggs = {
        f"m{ms:%Y%m}": Count(
            "id",
            filter=Q(received_at__gte=_aware(ms), received_at__lt=_aware(month_end(ms) + timedelta(days=1))),
        )
        for ms in months
    }
    counts = Appeal.objects.filter(received_at__gte=lo).aggregate(**appeal_aggs)
    for ms in months:
        add("appeal_month", counts[f"m{ms:%Y%m}"] or 0, None, f"{ms:%Y-%m}")

    functions: dict[str, Callable[..., dict[int, Any]]] = {
        "response": rates.response_rate,
        "resolution": rates.resolution_rate,
        "satisfaction": rates.satisfaction_rate,
        "on_time_reply": rates.on_time_reply_rate,
    }
    for ms in months[-6:]:
        for name, fn in functions.items():
            figures = fn(ms, month_end(ms))
            num = sum(f.numerator for f in figures.values())
            den = sum(f.denominator for f in figures.values())
            if den:
                add("rate_month", round(num / den * 100, 2), None, f"{ms:%Y-%m}:{name}")

    qs_start, qs_end = quarter_bounds(today)
    for r in (
        Appeal.objects.filter(received_at__gte=_aware(qs_start), main_department__isnull=False)
        .values("main_department_id")
        .annotate(n=Count("id"))
    ):
        add("appeal_dept", r["n"], r["main_department_id"])
    for name in ("response", "resolution", "satisfaction"):
        for dept, f in functions[name](qs_start, qs_end).items():
            if f.value is not None:
                add("rate_dept", round(f.value * 100, 2), dept, name)

    for r in (
        SupervisionOrder.objects.filter(state__in=OPEN_ORDER_STATES)
        .values("department_id", "level")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(reply_deadline__lt=today, state__in=["issued", "signed"])),
        )
    ):
        add("order_open", r["n"], r["department_id"], r["level"])
        if r["overdue"]:
            add("order_open", r["overdue"], r["department_id"], "overdue")
    return rows


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
