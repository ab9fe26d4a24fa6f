"""The dashboard's reads: the pre-aggregated figures shaped into ECharts options, each data point paired
with the URL of the list behind it (the ledger, appeals, supervision and assessment lists)."""

from __future__ import annotations

from collections import defaultdict
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
ORDER_LEVELS = {"normal": "一般", "key": "重点", "listed": "挂牌督办"}
TOP = 15


class _F(NamedTuple):
    key: str
    department_id: int | None
    dim: str
    value: float
    name: str


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


def dashboard(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    # Plain tuples, not model instances: the page reads about a thousand rows.
    figures: dict[str, list[_F]] = defaultdict(list)
    for row in Figure.objects.order_by("key", "id").values_list(
        "key", "department_id", "dim", "value", "department__short_name", "department__name"
    ):
        f = _F(row[0], row[1], row[2], row[3], row[4] or row[5] or "")
        figures[f.key].append(f)
    charts: list[dict[str, Any]] = []

    # Tasks by department with warning levels.
    per_dept: dict[int, dict[str, float]] = defaultdict(dict)
    names: dict[int, str] = {}
    for f in figures["task_level"]:
        if f.department_id is None:
            continue
        per_dept[f.department_id][f.dim] = f.value
        names[f.department_id] = f.name
    depts = sorted(per_dept, key=lambda d: (-per_dept[d].get("red", 0), -sum(per_dept[d].values())))[:TOP]
    charts.append(
        {
            "id": "tasks-dept",
            "title": "任务预警（按牵头单位）",
            "option": _bar(
                [names[d] for d in depts],
                [
                    {
                        "name": LEVEL_LABELS[lv],
                        "data": [per_dept[d].get(lv, 0) for d in depts],
                        "itemStyle": {"color": LEVEL_COLORS[lv]},
                    }
                    for lv in LEVELS
                ],
                horizontal=True,
            ),
            "links": [
                [_url("ledger:list", lead=d, warning=lv, state="open") for d in depts] for lv in LEVELS
            ],
        }
    )

    # Tasks by category with warning levels.
    from yingshang.ledger.models import Category

    cat_names = {c.pk: c.name for c in Category.objects.all()}
    per_cat: dict[int, dict[str, float]] = defaultdict(dict)
    for f in figures["task_category_level"]:
        cat, lv = f.dim.split(":")
        per_cat[int(cat)][lv] = f.value
    cats = sorted(per_cat, key=lambda c: cat_names.get(c, "未分类"))
    charts.append(
        {
            "id": "tasks-category",
            "title": "任务预警（按类别）",
            "option": _bar(
                [cat_names.get(c, "未分类") for c in cats],
                [
                    {
                        "name": LEVEL_LABELS[lv],
                        "data": [per_cat[c].get(lv, 0) for c in cats],
                        "itemStyle": {"color": LEVEL_COLORS[lv]},
                    }
                    for lv in LEVELS
                ],
            ),
            "links": [
                [_url("ledger:list", category=c or "", warning=lv, state="open") for c in cats]
                for lv in LEVELS
            ],
        }
    )

    # Close-out progress over time.
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
    charts.append(
        {
            "id": "closeout",
            "title": "销号进度",
            "option": option,
            "links": [
                [_url("ledger:list", deadline_to=month_end_str(m)) for m in months],
                [_url("ledger:list", state="closed") for _ in months],
                [_url("ledger:list", state="closed") for _ in months],
            ],
        }
    )

    # Appeal volume and the rates over time.
    volume = {f.dim: f.value for f in figures["appeal_month"]}
    vmonths = sorted(volume)
    charts.append(
        {
            "id": "appeal-volume",
            "title": "企业诉求受理量（按月）",
            "option": _bar(
                vmonths,
                [{"name": "受理量", "data": [volume[m] for m in vmonths], "itemStyle": {"color": "#6610f2"}}],
                stack=False,
            ),
            "links": [[_url("appeals:list", start=f"{m}-01", end=month_end_str(m)) for m in vmonths]],
        }
    )
    rate_series: dict[str, dict[str, float]] = defaultdict(dict)
    for f in figures["rate_month"]:
        month, name = f.dim.split(":")
        rate_series[name][month] = f.value
    rmonths = sorted({m for s in rate_series.values() for m in s})
    rate_option = _bar(
        rmonths,
        [
            {"name": RATE_LABELS[n], "type": "line", "data": [rate_series[n].get(m) for m in rmonths]}
            for n in RATE_LABELS
        ],
        stack=False,
    )
    rate_option["yAxis"] = {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}
    charts.append(
        {
            "id": "appeal-rates",
            "title": "诉求办理“三率”趋势（%）",
            "option": rate_option,
            "links": [
                [_url("appeals:rates", start=f"{m}-01", end=month_end_str(m)) for m in rmonths]
                for _ in RATE_LABELS
            ],
        }
    )

    # Rates by department this quarter (the busiest departments).
    q_start, q_end = quarter_bounds(today)
    volume_by_dept = {f.department_id: f.value for f in figures["appeal_dept"] if f.department_id}
    dept_rates: dict[int, dict[str, float]] = defaultdict(dict)
    for f in figures["rate_dept"]:
        if f.department_id:
            dept_rates[f.department_id][f.dim] = f.value
            names[f.department_id] = f.name
    for f in figures["appeal_dept"]:
        if f.department_id:
            names[f.department_id] = f.name
    busiest = sorted(volume_by_dept, key=lambda d: -volume_by_dept[d])[:TOP]
    three = ("response", "resolution", "satisfaction")
    charts.append(
        {
            "id": "rates-dept",
            "title": "本季度各单位“三率”（%）",
            "option": {
                **_bar(
                    [names.get(d, "") for d in busiest],
                    [
                        {"name": RATE_LABELS[n], "data": [dept_rates[d].get(n) for d in busiest]}
                        for n in three
                    ],
                    stack=False,
                ),
                "yAxis": {"type": "value", "max": 100},
            },
            "links": [
                [
                    _url(
                        "appeals:rates_drill",
                        rate=n,
                        part="denominator",
                        department=d,
                        start=q_start,
                        end=q_end,
                    )
                    for d in busiest
                ]
                for n in three
            ],
        }
    )

    # Open supervision orders by department and level.
    orders: dict[int, dict[str, float]] = defaultdict(dict)
    for f in figures["order_open"]:
        if f.department_id:
            orders[f.department_id][f.dim] = f.value
            names[f.department_id] = f.name
    odepts = sorted(orders, key=lambda d: -sum(v for k, v in orders[d].items() if k != "overdue"))[:TOP]
    charts.append(
        {
            "id": "orders",
            "title": "在办督办单（按责任单位）",
            "option": _bar(
                [names[d] for d in odepts],
                [
                    {"name": label, "data": [orders[d].get(lv, 0) for d in odepts]}
                    for lv, label in ORDER_LEVELS.items()
                ]
                + [
                    {
                        "name": "已逾期",
                        "data": [orders[d].get("overdue", 0) for d in odepts],
                        "stack": None,
                        "itemStyle": {"color": "#dc3545"},
                    }
                ],
                stack=False,
            ),
            "links": [
                [_url("supervision:order_list", department=d, level=lv) for d in odepts]
                for lv in ORDER_LEVELS
            ]
            + [[_url("supervision:order_list", department=d, state="overdue") for d in odepts]],
        }
    )

    # Current rankings (latest published run, or the latest frozen one).
    from yingshang.assessment import selectors as assessment
    from yingshang.assessment import workflow as awf

    run = assessment.latest_run() or assessment.latest_run(states=(awf.PUBLICITY, awf.FROZEN))
    ranking = []
    if run is not None:
        for g in assessment.grouped_results(run):
            ranked = [x for x in g["results"] if x.rank is not None]
            charts.append(
                {
                    "id": f"ranking-{g['group']}",
                    "title": f"{run.period_label}考核得分 · {g['label']}",
                    "option": _bar(
                        [x.department_name for x in ranked],
                        [
                            {
                                "name": "得分",
                                "data": [x.score for x in ranked],
                                "itemStyle": {"color": "#0d6efd"},
                            }
                        ],
                        stack=False,
                        horizontal=True,
                    ),
                    "links": [
                        [reverse("assessment:department", args=[run.pk, x.department_id]) for x in ranked]
                    ],
                    "height": max(240, 22 * len(ranked) + 60),
                }
            )
            ranking.append(g)

    # Indicator monitoring.
    from yingshang.assessment import evaluation

    rows = evaluation.monitoring_rows()
    levels = evaluation.first_level_scores(rows)
    charts.append(
        {
            "id": "monitoring",
            "title": "营商环境评价指标得分（前沿距离）",
            "option": {
                **_bar(
                    [x["name"] for x in levels],
                    [
                        {
                            "name": "得分",
                            "data": [x["score"] for x in levels],
                            "itemStyle": {"color": "#20c997"},
                        }
                    ],
                    stack=False,
                ),
                "yAxis": {"type": "value", "max": 100},
            },
            "links": [[_url("assessment:monitoring", level=x["name"]) for x in levels]],
        }
    )

    from yingshang.supervision.selectors import published_cases

    cases = published_cases(today.replace(month=1, day=1).replace(year=today.year - 1), today)[-5:][::-1]
    last = Refresh.objects.order_by("-refreshed_at", "-id").first()
    return {
        "charts": charts,
        "run": run,
        "cases": cases,
        "weakest": evaluation.weakest(rows),
        "refreshed": last,
        "totals": {
            "red": sum(f.value for f in figures["task_level"] if f.dim == "red"),
            "yellow": sum(f.value for f in figures["task_level"] if f.dim == "yellow"),
            "orders": sum(f.value for f in figures["order_open"] if f.dim in ORDER_LEVELS),
            "orders_overdue": sum(f.value for f in figures["order_open"] if f.dim == "overdue"),
            "appeals_quarter": sum(volume_by_dept.values()),
        },
    }


def month_end_str(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    from datetime import date

    return str(month_end(date(y, m, 1)))
