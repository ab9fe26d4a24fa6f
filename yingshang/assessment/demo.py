"""Demo content: an indicator set, bonus items, evaluation indicators with two quarters of values,
2026-Q2 and 2026-Q3 frozen and published with their bulletins, a monthly run in publicity with an
objection, and the current quarter as a draft. Built through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from . import bulletin as b
from . import services
from .evaluation import DEFAULT_SUB_INDICATORS
from .periods import parse_period

DEMO_SET_NAME = "示例市部门优化营商环境考核指标（2026年版）"
DEMO_INDICATORS: list[dict[str, Any]] = [
    {"measure": "task_on_time", "weight": 15},
    {"measure": "task_close_out", "weight": 10},
    {"measure": "task_feedback", "weight": 10},
    {"measure": "order_on_time", "weight": 10},
    {"measure": "rectification", "weight": 10},
    {"measure": "appeal_response", "weight": 10},
    {"measure": "appeal_resolution", "weight": 15},
    {"measure": "appeal_satisfaction", "weight": 10},
    {"measure": "appeal_on_time", "weight": 10},
    {"measure": "case_deduction", "kind": "deduction", "points_per_item": 2},
    {"measure": "finding_deduction", "kind": "deduction", "points_per_item": 0.5},
    {"measure": "bonus", "kind": "bonus", "points_per_item": 1},
]


def _quarter(d: dt.date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def seed(ctx: dict[str, Any]) -> None:
    users, departments = ctx["users"], ctx["departments"]
    office, liaison = users["office"], users["liaison"]
    today = timezone.localdate()
    current = parse_period(_quarter(today))
    q_prev = current.previous()
    q_prev2 = q_prev.previous()

    indicator_set = services.indicator_set_save(
        actor=office, name=DEMO_SET_NAME, indicators=DEMO_INDICATORS, deduction_cap=10, bonus_cap=5
    )
    ctx["indicator_set"] = indicator_set

    bonus_plan = [
        ("XZSP", "“高效办成一件事”改革经验被国务院办公厅推广", 2, q_prev.start + dt.timedelta(days=20), True),
        (
            "SCJ",
            "经营主体登记注册便利化做法获省政府通报表扬",
            1.5,
            q_prev.start + dt.timedelta(days=45),
            True,
        ),
        ("GX", "承办全省优化营商环境现场会", 1, q_prev2.start + dt.timedelta(days=30), True),
        ("ZJJ", "工程建设项目审批改革入选省级典型案例", 1, current.start + dt.timedelta(days=10), False),
    ]
    for code, title, points, day, approve in bonus_plan:
        if code not in departments:
            continue
        item = services.bonus_item_create(
            actor=office,
            department=departments[code],
            title=title,
            points=points,
            awarded_on=day,
            basis="有关文件已存档。",
        )
        if approve:
            services.bonus_item_decide(actor=office, item=item, approve=True, note="符合加分条件，予以认定。")

    # 营商环境指标监测: the sub-indicators, values for the last two quarters and the current one.
    for i, (first, name, unit, code, hib, frontier, worst) in enumerate(DEFAULT_SUB_INDICATORS):
        if code not in departments:
            continue
        ind = services.evaluation_indicator_save(
            actor=office,
            first_level=first,
            name=name,
            unit=unit,
            department=departments[code],
            higher_is_better=hib,
            frontier=frontier,
            worst=worst,
            sort_order=i,
        )
        span = worst - frontier
        for step, period in enumerate((q_prev2, q_prev, current)):
            # A deterministic spread: most indicators improve quarter by quarter, a few stay weak.
            share = ((i * 37) % 100) / 100 * 0.8 + (0.35 if i % 5 == 0 else 0)
            share = max(0.02, min(0.98, share - 0.08 * step))
            value = round(frontier + span * share, 1)
            services.evaluation_value_report(
                actor=office, indicator=ind, period=period.code, value=value, note="按季度统计口径填报。"
            )

    def publish(period, publicity_start: dt.date, with_bulletin: bool = True):
        run = services.run_compute(actor=office, period=period, indicator_set=indicator_set)
        services.run_transition(actor=office, run=run, action="freeze")
        services.run_transition(actor=office, run=run, action="start_publicity", start_on=publicity_start)
        services.run_transition(actor=office, run=run, action="publish", note="公示期满无异议，正式发布。")
        if with_bulletin:
            sections = b.default_sections(run)
            sections["requirements"] = (
                "各单位要对照考核结果认真查找差距，红榜单位要总结经验、保持领先。\n"
                "黑榜单位要深刻剖析原因，制定整改措施，于10个工作日内将整改情况报市营商办。\n"
                "市营商办将对整改情况开展“回头看”，对整改不力的单位予以通报。"
            )
            services.bulletin_save(actor=office, run=run, title=b.default_title(run), sections=sections)
            b.generate(actor=office, run=run)
        return run

    publish(q_prev2, q_prev2.end + dt.timedelta(days=5))
    ctx["assessment_published"] = publish(
        q_prev, min(q_prev.end + dt.timedelta(days=5), today - dt.timedelta(days=14))
    )

    # The last full month in publicity now, with an objection from the market regulator.
    month = parse_period(f"{today.year}-{today.month:02d}").previous()
    run = services.run_compute(actor=office, period=month, indicator_set=indicator_set)
    services.run_transition(actor=office, run=run, action="freeze")
    services.run_transition(actor=office, run=run, action="start_publicity")
    if run.results.filter(department=liaison.department).exists():
        services.objection_submit(
            actor=liaison,
            run=run,
            measure="appeal_response",
            reason="本单位有2件诉求因系统故障延迟签收，已向市12345热线报备，请予核减。",
        )
    # The current quarter, computed as a draft for review.
    ctx["assessment_draft"] = services.run_compute(actor=office, period=current, indicator_set=indicator_set)
