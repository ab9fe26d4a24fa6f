"""营商环境指标监测: the 18 first-level indicators of the national business-environment evaluation system
(中国营商环境评价指标体系, 国家发展改革委), and typical sub-indicators with their owners for the demo.

The list (checked against the national system's published structure): 开办企业, 劳动力市场监管, 办理建筑许可,
政府采购, 招标投标, 获得电力, 获得用水用气, 登记财产, 获得信贷, 保护中小投资者, 知识产权创造保护和运用,
跨境贸易, 纳税, 执行合同, 办理破产, 市场监管, 政务服务, 包容普惠创新."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from yingshang.core.office_settings import get_setting

from .models import EvaluationIndicator, EvaluationValue
from .periods import parse_period

FIRST_LEVEL = [
    "开办企业",
    "劳动力市场监管",
    "办理建筑许可",
    "政府采购",
    "招标投标",
    "获得电力",
    "获得用水用气",
    "登记财产",
    "获得信贷",
    "保护中小投资者",
    "知识产权创造保护和运用",
    "跨境贸易",
    "纳税",
    "执行合同",
    "办理破产",
    "市场监管",
    "政务服务",
    "包容普惠创新",
]

# (first level, sub-indicator, unit, owner department code, higher is better, frontier, worst)
DEFAULT_SUB_INDICATORS: list[tuple[str, str, str, str, bool, float, float]] = [
    ("开办企业", "办理环节", "个", "XZSP", False, 1, 6),
    ("开办企业", "办理时间", "天", "XZSP", False, 0.5, 5),
    ("开办企业", "费用", "元", "XZSP", False, 0, 500),
    ("劳动力市场监管", "劳动争议案件结案率", "%", "RSJ", True, 99, 80),
    ("办理建筑许可", "办理时间", "天", "ZJJ", False, 30, 120),
    ("办理建筑许可", "办理环节", "个", "ZJJ", False, 8, 20),
    ("政府采购", "电子化采购率", "%", "CZJ", True, 100, 60),
    ("招标投标", "全流程电子化率", "%", "GTZ", True, 100, 70),
    ("获得电力", "低压小微企业接电时间", "天", "GDJ", False, 5, 30),
    ("获得电力", "接电成本", "元", "GDJ", False, 0, 5000),
    ("获得用水用气", "用水报装时间", "天", "SWJ", False, 3, 20),
    ("获得用水用气", "用气报装时间", "天", "ZJJ", False, 4, 25),
    ("登记财产", "办理时间", "天", "ZGJ", False, 1, 10),
    ("获得信贷", "普惠小微贷款增速", "%", "JRB", True, 30, 5),
    ("保护中小投资者", "投资者保护指数", "分", "SCJ", True, 90, 50),
    ("知识产权创造保护和运用", "每万人高价值发明专利拥有量", "件", "SCJ", True, 30, 3),
    ("跨境贸易", "进口整体通关时间", "小时", "SWU", False, 24, 96),
    ("纳税", "纳税时间", "小时", "SWUJ", False, 60, 200),
    ("执行合同", "解决商业纠纷用时", "天", "FY", False, 200, 500),
    ("办理破产", "破产案件平均审理时间", "天", "FY", False, 180, 720),
    ("市场监管", "“双随机、一公开”抽查覆盖率", "%", "SCJ", True, 100, 60),
    ("政务服务", "政务服务事项网上可办率", "%", "XZSP", True, 100, 80),
    ("包容普惠创新", "研发经费投入强度", "%", "KJJ", True, 4, 1),
]


@dataclass
class IndicatorRow:
    indicator: EvaluationIndicator
    latest: EvaluationValue | None
    previous: EvaluationValue | None
    trend: list[tuple[str, float, float]]  # (period, value, score)

    @property
    def change(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return round(self.latest.score - self.previous.score, 2)


def indicators() -> QuerySet[EvaluationIndicator]:
    return EvaluationIndicator.objects.filter(is_active=True).select_related("department")


def monitoring_rows(first_level: str = "") -> list[IndicatorRow]:
    """Every active indicator with its latest two values and its trend (two queries)."""
    qs = indicators()
    if first_level:
        qs = qs.filter(first_level=first_level)
    items = list(qs)
    by_indicator: dict[int, list[EvaluationValue]] = defaultdict(list)
    for v in EvaluationValue.objects.filter(indicator__in=items).order_by("period_start"):
        by_indicator[v.indicator_id].append(v)
    rows = []
    for ind in items:
        vals = by_indicator.get(ind.pk, [])
        rows.append(
            IndicatorRow(
                ind,
                vals[-1] if vals else None,
                vals[-2] if len(vals) > 1 else None,
                [(v.period_code, v.value, v.score) for v in vals[-8:]],
            )
        )
    rows.sort(key=lambda row: (FIRST_LEVEL.index(row.indicator.first_level), row.indicator.sort_order))
    return rows


def weakest(rows: list[IndicatorRow] | None = None, n: int | None = None) -> list[IndicatorRow]:
    """短板指标: the lowest latest DTF scores."""
    rows = monitoring_rows() if rows is None else rows
    n = n or int(get_setting("assessment_weak_indicators"))
    scored = [row for row in rows if row.latest is not None]
    return sorted(scored, key=lambda row: (row.latest.score, row.indicator.sort_order))[:n]  # type: ignore[union-attr]


def first_level_scores(rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    """Average latest score per first-level indicator (those with any value)."""
    buckets: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.latest is not None:
            buckets[row.indicator.first_level].append(row.latest.score)
    return [
        {"name": name, "score": round(sum(buckets[name]) / len(buckets[name]), 2)}
        for name in FIRST_LEVEL
        if buckets.get(name)
    ]


def period_choices(count: int = 6) -> list[str]:
    from django.utils import timezone

    today = timezone.localdate()
    p = parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    out = []
    for _ in range(count):
        out.append(p.code)
        p = p.previous()
    return out
