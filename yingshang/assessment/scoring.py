"""Score arithmetic, free of the database: distance to frontier, weighting, ranking with ties."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def dtf_scores(values: Mapping[K, float | None], *, higher_is_better: bool) -> dict[K, float | None]:
    """Distance to frontier per indicator: best = 100, worst = 0, `(worst − x) / (worst − best) × 100`
    clipped to 0–100; every department scores 100 when best equals worst; no data stays None."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values)
    best, worst = (max(present), min(present)) if higher_is_better else (min(present), max(present))
    return {
        key: None if x is None else frontier_score(x, best=best, worst=worst) for key, x in values.items()
    }


def frontier_score(x: float, *, best: float, worst: float) -> float:
    """DTF against a given frontier and worst value (also used for evaluation indicators whose frontier
    the office sets from the best-performing cities)."""
    if best == worst:
        return 100.0
    return max(0.0, min(100.0, (worst - x) / (worst - best) * 100))


def competition_ranks(scores: Mapping[K, float | None], *, ndigits: int = 2) -> dict[K, int | None]:
    """Rank high to low; equal scores (after rounding to what is published) share a rank: 1, 2, 2, 4."""
    rounded = {k: round(v, ndigits) for k, v in scores.items() if v is not None}
    ordered = sorted(rounded.values(), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {k: (first_position[rounded[k]] if k in rounded else None) for k in scores}


def capped(total: float, cap: float | None) -> float:
    """Deductions and bonuses are added after weighting, within the cap the office sets (absolute value)."""
    if cap is None:
        return total
    return max(-abs(cap), min(abs(cap), total))
