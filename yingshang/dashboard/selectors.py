"""The dashboard's reads: the pre-aggregated figures shaped into ECharts options, each data point paired
with the URL of the list behind it (the ledger, appeals, supervision and assessment lists).

One function per chart. A chart's figure and its drill-down list apply the same rule: `figures.collect`
counts with the filters the list applies to the same URL parameters (see each chart's test)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from .figures import LEVELS, month_end, quarter_bounds
from .models import Figure, Refresh

LEVEL_LABELS = {"red": "红色预警", "yellow": "黄色预警", "green": "正常"}
LEVEL_COLORS = {"red": "#dc3545", "yellow": "#ffc107", "green": "#198754"}
RATE_LABELS = {
    "response": "响应率",
    "resolution": "解决率",
    "satisfaction": "满意率",
    "on_time_reply": "按时答复率",
}
DEPARTMENT_RATES = ("response", "resolution", "satisfaction")
ORDER_LEVELS = {"normal": "一般", "key": "重点", "listed": "挂牌督办"}
TOP = 15

Chart = dict[str, Any]


class _F(NamedTuple):
    key: str
    department_id: int | None
    dim: str
    value: float
    name: str


Figures = dict[str, list[_F]]


def load_figures() -> Figures:
    # Plain tuples, not model instances: the page reads about a thousand rows.
    figures: Figures = defaultdict(list)
    for row in Figure.objects.order_by("key", "id").values_list(
        "key", "department_id", "dim", "value", "department__short_name", "department__name"
    ):
        f = _F(row[0], row[1], row[2], row[3], row[4] or row[5] or "")
        figures[f.key].append(f)
    return figures


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _bar(
    categories: list[str], series: list[dict[str, Any]], *, stack: bool = True, horizontal: bool = False
) -> dict[str, Any]:
    cat_axis = {
        "type": "category",
        "data": categories,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30},
    }
    val_axis = {"type": "value"}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": {**cat_axis, "inverse": True} if horizontal else val_axis,
        "series": [
            {**s, "type": s.get("type", "bar"), **({"stack": "total"} if stack else {})} for s in series
        ],
    }


def _level_series(per_key: dict[Any, dict[str, float]], keys: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": LEVEL_LABELS[lv],
            "data": [per_key[k].get(lv, 0) for k in keys],
            "itemStyle": {"color": LEVEL_COLORS[lv]},
        }
        for lv in LEVELS
    ]


def _by_department(rows: list[_F]) -> tuple[dict[int, dict[str, float]], dict[int, str]]:
    per_dept: dict[int, dict[str, float]] = defaultdict(dict)
    names: dict[int, str] = {}
    for f in rows:
        if f.department_id is not None:
            per_dept[f.department_id][f.dim] = f.value
            names[f.department_id] = f.name
    return per_dept, names


def tasks_by_lead_chart(figures: Figures) -> Chart:
    """Active tasks by primary lead department and warning level (a co-operating unit is not counted)."""
    per_dept, names = _by_department(figures["task_level"])
    depts = sorted(per_dept, key=lambda d: (-per_dept[d].get("red", 0), -sum(per_dept[d].values())))[:TOP]
    return {
        "id": "tasks-dept",
        "title": "任务预警（按牵头单位）",
        "option": _bar([names[d] for d in depts], _level_series(per_dept, depts), horizontal=True),
        "links": [[_url("ledger:list", lead=d, warning=lv, state="open") for d in depts] for lv in LEVELS],
    }


def tasks_by_category_chart(figures: Figures) -> Chart:
    """Active tasks by category and warning level; category 0 is 未分类 (the list's `category=0`)."""
    from yingshang.ledger.models import Category

    cat_names = {c.pk: c.name for c in Category.objects.all()}
    per_cat: dict[int, dict[str, float]] = defaultdict(dict)
    for f in figures["task_category_level"]:
        cat, lv = f.dim.split(":")
        per_cat[int(cat)][lv] = f.value
    cats = sorted(per_cat, key=lambda c: cat_names.get(c, "未分类"))
    return {
        "id": "tasks-category",
        "title": "任务预警（按类别）",
        "option": _bar([cat_names.get(c, "未分类") for c in cats], _level_series(per_cat, cats)),
        "links": [[_url("ledger:list", category=c, warning=lv, state="open") for c in cats] for lv in LEVELS],
    }


def closeout_chart(figures: Figures) -> Chart:
    """Tasks due by each month's end (应销号) and those of them closed by then (已销号)."""
    progress: dict[str, dict[str, float]] = defaultdict(dict)
    for f in figures["closeout_month"]:
        month, part = f.dim.split(":")
        progress[month][part] = f.value
    months = sorted(progress)
    pct = [
        round(progress[m].get("closed", 0) / progress[m]["total"] * 100, 1) if progress[m].get("total") else 0
        for m in months
    ]
    option = _bar(
        months,
        [
            {
                "name": "应销号任务",
                "data": [progress[m].get("total", 0) for m in months],
                "itemStyle": {"color": "#adb5bd"},
            },
            {
                "name": "已销号",
                "data": [progress[m].get("closed", 0) for m in months],
                "itemStyle": {"color": "#0d6efd"},
            },
            {"name": "销号率（%）", "type": "line", "yAxisIndex": 1, "data": pct},
        ],
        stack=False,
    )
    option["yAxis"] = [
        {"type": "value"},
        {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
    ]
    closed = [_url("ledger:list", closed_by=month_end_str(m)) for m in months]
    return {
        "id": "closeout",
        "title": "销号进度",
        "option": option,
        "links": [[_url("ledger:list", due_by=month_end_str(m)) for m in months], closed, closed],
    }


def appeal_volume_chart(figures: Figures) -> Chart:
    """Appeals received per month (every appeal, whatever became of it)."""
    volume = {f.dim: f.value for f in figures["appeal_month"]}
    months = sorted(volume)
    return {
        "id": "appeal-volume",
        "title": "企业诉求受理量（按月）",
        "option": _bar(
            months,
            [{"name": "受理量", "data": [volume[m] for m in months], "itemStyle": {"color": "#6610f2"}}],
            stack=False,
        ),
        "links": [[_url("appeals:list", start=f"{m}-01", end=month_end_str(m)) for m in months]],
    }


def appeal_rates_chart(figures: Figures) -> Chart:
    """The city-wide rates per month; a point opens the rates table of that month (per department)."""
    rate_series: dict[str, dict[str, float]] = defaultdict(dict)
    for f in figures["rate_month"]:
        month, name = f.dim.split(":")
        rate_series[name][month] = f.value
    months = sorted({m for s in rate_series.values() for m in s})
    option = _bar(
        months,
        [
            {"name": RATE_LABELS[n], "type": "line", "data": [rate_series[n].get(m) for m in months]}
            for n in RATE_LABELS
        ],
        stack=False,
    )
    option["yAxis"] = {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}
    return {
        "id": "appeal-rates",
        "title": "诉求办理“三率”趋势（%）",
        "option": option,
        "links": [
            [_url("appeals:rates", start=f"{m}-01", end=month_end_str(m)) for m in months]
            for _ in RATE_LABELS
        ],
    }


def rates_by_department_chart(figures: Figures, today: date) -> Chart:
    """This quarter's rates of the busiest departments; a bar opens the appeals behind its denominator."""
    q_start, q_end = quarter_bounds(today)
    volume = {f.department_id: f.value for f in figures["appeal_dept"] if f.department_id}
    dept_rates, names = _by_department(figures["rate_dept"])
    names.update(_by_department(figures["appeal_dept"])[1])
    busiest = sorted(volume, key=lambda d: -volume[d])[:TOP]
    return {
        "id": "rates-dept",
        "title": "本季度各单位“三率”（%）",
        "option": {
            **_bar(
                [names.get(d, "") for d in busiest],
                [
                    {"name": RATE_LABELS[n], "data": [dept_rates[d].get(n) for d in busiest]}
                    for n in DEPARTMENT_RATES
                ],
                stack=False,
            ),
            "yAxis": {"type": "value", "max": 100},
        },
        "links": [
            [
                _url(
                    "appeals:rates_drill", rate=n, part="denominator", department=d, start=q_start, end=q_end
                )
                for d in busiest
            ]
            for n in DEPARTMENT_RATES
        ],
    }


def open_orders_chart(figures: Figures) -> Chart:
    """Open supervision orders (issued, signed, answered) by department and level, and the overdue ones."""
    orders, names = _by_department(figures["order_open"])
    depts = sorted(orders, key=lambda d: -sum(v for k, v in orders[d].items() if k != "overdue"))[:TOP]
    return {
        "id": "orders",
        "title": "在办督办单（按责任单位）",
        "option": _bar(
            [names[d] for d in depts],
            [
                {"name": label, "data": [orders[d].get(lv, 0) for d in depts]}
                for lv, label in ORDER_LEVELS.items()
            ]
            + [
                {
                    "name": "已逾期",
                    "data": [orders[d].get("overdue", 0) for d in depts],
                    "stack": None,
                    "itemStyle": {"color": "#dc3545"},
                }
            ],
            stack=False,
        ),
        "links": [
            [_url("supervision:order_list", department=d, level=lv, state="open") for d in depts]
            for lv in ORDER_LEVELS
        ]
        + [[_url("supervision:order_list", department=d, state="overdue") for d in depts]],
    }


def ranking_charts(run: Any) -> list[Chart]:
    """One chart per group of the run's ranking; a bar opens that department's result page."""
    from yingshang.assessment import selectors as assessment

    charts: list[Chart] = []
    if run is None:
        return charts
    for g in assessment.grouped_results(run):
        ranked = [x for x in g["results"] if x.rank is not None]
        charts.append(
            {
                "id": f"ranking-{g['group']}",
                "title": f"{run.period_label}考核得分 · {g['label']}",
                "option": _bar(
                    [x.department_name for x in ranked],
                    [{"name": "得分", "data": [x.score for x in ranked], "itemStyle": {"color": "#0d6efd"}}],
                    stack=False,
                    horizontal=True,
                ),
                "links": [[reverse("assessment:department", args=[run.pk, x.department_id]) for x in ranked]],
                "height": max(240, 22 * len(ranked) + 60),
            }
        )
    return charts


def monitoring_chart(levels: list[dict[str, Any]]) -> Chart:
    """Indicator monitoring by first-level indicator; a bar opens that indicator group's table."""
    return {
        "id": "monitoring",
        "title": "营商环境评价指标得分（前沿距离）",
        "option": {
            **_bar(
                [x["name"] for x in levels],
                [{"name": "得分", "data": [x["score"] for x in levels], "itemStyle": {"color": "#20c997"}}],
                stack=False,
            ),
            "yAxis": {"type": "value", "max": 100},
        },
        "links": [[_url("assessment:monitoring", level=x["name"]) for x in levels]],
    }


def totals(figures: Figures, today: date) -> dict[str, Any]:
    """The figures of the cards above the charts, each with the list it opens."""
    q_start, q_end = quarter_bounds(today)
    quarter_months = {f"{q_start.year}-{m:02d}" for m in range(q_start.month, q_start.month + 3)}
    red = sum(f.value for f in figures["task_level"] if f.dim == "red")
    yellow = sum(f.value for f in figures["task_level"] if f.dim == "yellow")
    return {
        "red": red,
        "red_url": _url("ledger:list", warning="red", state="open"),
        "yellow": yellow,
        "yellow_url": _url("ledger:list", warning="yellow", state="open"),
        "orders": sum(f.value for f in figures["order_open"] if f.dim in ORDER_LEVELS),
        "orders_url": _url("supervision:order_list", state="open"),
        "orders_overdue": sum(f.value for f in figures["order_open"] if f.dim == "overdue"),
        "orders_overdue_url": _url("supervision:order_list", state="overdue"),
        "appeals_quarter": sum(f.value for f in figures["appeal_month"] if f.dim in quarter_months),
        "appeals_quarter_url": _url("appeals:list", start=q_start, end=q_end),
    }


def dashboard(user: Any) -> dict[str, Any]:
    """The whole page: every chart, the cards, the latest cases and the weakest indicators."""
    from yingshang.assessment import evaluation
    from yingshang.assessment import selectors as assessment
    from yingshang.assessment import workflow as awf
    from yingshang.supervision.selectors import published_cases

    today = timezone.localdate()
    figures = load_figures()
    run = assessment.latest_run() or assessment.latest_run(states=(awf.PUBLICITY, awf.FROZEN))
    rows = evaluation.monitoring_rows()
    charts = [
        tasks_by_lead_chart(figures),
        tasks_by_category_chart(figures),
        closeout_chart(figures),
        appeal_volume_chart(figures),
        appeal_rates_chart(figures),
        rates_by_department_chart(figures, today),
        open_orders_chart(figures),
        *ranking_charts(run),
        monitoring_chart(evaluation.first_level_scores(rows)),
    ]
    cases = published_cases(today.replace(month=1, day=1).replace(year=today.year - 1), today)[-5:][::-1]
    return {
        "charts": charts,
        "run": run,
        "cases": cases,
        "weakest": evaluation.weakest(rows),
        "refreshed": Refresh.objects.order_by("-refreshed_at", "-id").first(),
        "totals": totals(figures, today),
    }


def month_end_str(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return str(month_end(date(y, m, 1)))
