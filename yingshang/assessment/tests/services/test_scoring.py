import pytest

from yingshang.assessment.periods import parse_period
from yingshang.assessment.scoring import capped, competition_ranks, dtf_scores, frontier_score
from yingshang.core.errors import ValidationFailed


def test_dtf_hand_worked_example_higher_is_better():
    # response rates 0.95 (best), 0.80, 0.65 (worst): (0.65 − 0.80) / (0.65 − 0.95) × 100 = 50
    scores = dtf_scores({"A": 0.95, "B": 0.80, "C": 0.65, "D": None}, higher_is_better=True)
    assert scores["A"] == 100.0
    assert scores["B"] == pytest.approx(50.0)
    assert scores["C"] == 0.0
    assert scores["D"] is None


def test_dtf_lower_is_better_days():
    # days to open a business: 1 (best), 3, 5 (worst): (5 − 3) / (5 − 1) × 100 = 50
    assert dtf_scores({"A": 1, "B": 3, "C": 5}, higher_is_better=False) == {"A": 100.0, "B": 50.0, "C": 0.0}


def test_dtf_equal_best_and_worst_gives_everyone_100():
    assert dtf_scores({"A": 0.9, "B": 0.9}, higher_is_better=True) == {"A": 100.0, "B": 100.0}


def test_frontier_score_is_clipped():
    assert frontier_score(0.5, best=3, worst=10) == 100.0  # better than the frontier
    assert frontier_score(12, best=3, worst=10) == 0.0  # worse than the worst value
    assert frontier_score(6.5, best=3, worst=10) == pytest.approx(50.0)


def test_equal_scores_share_a_rank():
    assert competition_ranks({"A": 90.001, "B": 95.0, "C": 90.0, "D": 80.0, "E": None}) == {
        "B": 1,
        "A": 2,
        "C": 2,
        "D": 4,
        "E": None,
    }


def test_caps_apply_to_deductions_and_bonuses():
    assert capped(-12.5, 10) == -10
    assert capped(3, 5) == 3
    assert capped(7, None) == 7


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label"),
    [
        ("2026-09", "month", "2026-09-01", "2026-09-30", "2026年9月"),
        ("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "2026年第三季度"),
        ("2026-q1", "quarter", "2026-01-01", "2026-03-31", "2026年第一季度"),
        ("2026", "year", "2026-01-01", "2026-12-31", "2026年度"),
        ("2024-02", "month", "2024-02-01", "2024-02-29", "2024年2月"),
    ],
)
def test_periods(code, kind, start, end, label):
    period = parse_period(code)
    assert (period.kind, period.start.isoformat(), period.end.isoformat(), period.label) == (
        kind,
        start,
        end,
        label,
    )


def test_previous_period():
    assert parse_period("2026-Q1").previous().code == "2025-Q4"
    assert parse_period("2026-01").previous().code == "2025-12"


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "26", "", "2026/09"])
def test_bad_period_is_refused(bad):
    with pytest.raises(ValidationFailed):
        parse_period(bad)
