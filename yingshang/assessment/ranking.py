"""From measure values to scores: DTF per indicator within a group, weighted; deductions and bonuses after
weighting within caps; equal scores share a rank. Free of the database so the arithmetic is testable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .measures import MeasureValue
from .scoring import capped, competition_ranks, dtf_scores

NO_DATA_RULE = (
    "某项计分指标本期无数据的单位，该指标不计分（不按零分处理），其权重按比例分配至本单位有数据的其他计分指标；"
    "各计分指标均无数据的单位不参与排名。"
)
GROUPS = {"city": "市直部门", "district": "区县"}


@dataclass(frozen=True)
class IndicatorSpec:
    measure: str
    name: str
    kind: str  # score / deduction / bonus
    weight: float
    higher_is_better: bool
    points_per_item: float
    sort_order: int = 0


@dataclass
class Line:
    spec: IndicatorSpec
    value: MeasureValue
    normalised: float | None
    effective_weight: float
    contribution: float
    no_data_reason: str = ""


@dataclass
class DeptScore:
    department_id: int
    name: str
    group: str
    lines: list[Line] = field(default_factory=list)
    weighted: float | None = None
    deductions: float = 0.0
    bonuses: float = 0.0
    score: float | None = None
    rank: int | None = None
    note: str = ""


def score_group(
    departments: Sequence[tuple[int, str]],
    group: str,
    specs: Sequence[IndicatorSpec],
    values: Mapping[str, Mapping[int, MeasureValue]],
    *,
    deduction_cap: float | None,
    bonus_cap: float | None,
) -> list[DeptScore]:
    ids = [d for d, _ in departments]
    normalised = {
        s.measure: dtf_scores(
            {d: values[s.measure][d].value for d in ids}, higher_is_better=s.higher_is_better
        )
        for s in specs
        if s.kind == "score"
    }
    out = []
    for dept, name in departments:
        ds = DeptScore(dept, name, group)
        present = sum(
            s.weight for s in specs if s.kind == "score" and normalised[s.measure][dept] is not None
        )
        total = 0.0
        ded = bon = 0.0
        for s in specs:
            mv = values[s.measure][dept]
            if s.kind == "score":
                n = normalised[s.measure][dept]
                if n is None:
                    reason = f"{mv.no_data_reason or '本期无数据'}：该指标不计分，权重按比例分配至其他有数据的计分指标"
                    ds.lines.append(Line(s, mv, None, 0.0, 0.0, reason))
                    continue
                eff = s.weight * 100 / present
                contribution = eff * n / 100
                total += contribution
                ds.lines.append(Line(s, mv, n, eff, contribution))
            else:
                points = (mv.value or 0.0) * s.points_per_item
                if s.kind == "deduction":
                    ded += points
                    ds.lines.append(Line(s, mv, None, 0.0, -points))
                else:
                    bon += points
                    ds.lines.append(Line(s, mv, None, 0.0, points))
        notes = []
        ds.deductions = capped(ded, deduction_cap)
        ds.bonuses = capped(bon, bonus_cap)
        if ds.deductions != ded:
            notes.append(f"扣分合计 {ded:g} 分，按上限计 {ds.deductions:g} 分")
        if ds.bonuses != bon:
            notes.append(f"加分合计 {bon:g} 分，按上限计 {ds.bonuses:g} 分")
        if present:
            ds.weighted = round(total, 4)
            ds.score = round(total - ds.deductions + ds.bonuses, 2)
            if present < sum(s.weight for s in specs if s.kind == "score"):
                notes.append("部分计分指标无数据，权重已按比例分配")
        else:
            notes.append("各计分指标本期均无数据，不参与排名")
        ds.note = "；".join(notes)
        out.append(ds)
    ranks = competition_ranks({d.department_id: d.score for d in out})
    for d in out:
        d.rank = ranks[d.department_id]
    out.sort(key=lambda d: (d.rank is None, d.rank or 0, d.name))
    return out


def red_black(results: Sequence, size: int) -> tuple[list, list]:
    """Top and bottom `size` of a ranked group; ties at the boundary are all included, and a department on
    the red list is never also on the black list (small groups)."""
    ranked = [r for r in results if r.rank is not None]
    if not ranked:
        return [], []
    ranked.sort(key=lambda r: r.rank)
    red_cut = ranked[min(size, len(ranked)) - 1].rank
    red = [r for r in ranked if r.rank <= red_cut]
    rest = [r for r in reversed(ranked) if r not in red]
    if not rest:
        return red, []
    black_cut = rest[min(size, len(rest)) - 1].rank
    black = [r for r in rest if r.rank >= black_cut]
    return red, black
