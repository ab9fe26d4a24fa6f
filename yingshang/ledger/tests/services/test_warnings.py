from datetime import date

import pytest

from yingshang.ledger import warnings as w

RULES = w.Rules(yellow_workdays=10, red_missed=2, due_workdays=5)


# The working-day calendar is read from the database the first time a process needs it.
pytestmark = pytest.mark.django_db


def test_cycle_arithmetic():
    assert w.period_start(date(2026, 5, 17), "quarter") == date(2026, 4, 1)
    assert w.period_start(date(2026, 8, 1), "half") == date(2026, 7, 1)
    assert w.next_period(date(2026, 12, 1), "month") == date(2027, 1, 1)
    assert w.previous_period(date(2026, 1, 1), "quarter") == date(2025, 10, 1)
    assert w.period_end(date(2026, 2, 1), "month") == date(2026, 2, 28)
    assert w.period_label(date(2026, 7, 1), "half") == "2026年下半年"


def test_report_due_counts_working_days_over_qingming():
    # Q1 2026 ends on Tuesday 31 March; 4–6 April is the Qingming holiday: 1, 2, 3, 7, 8 April.
    assert w.report_due(date(2026, 1, 1), "quarter", workdays=5) == date(2026, 4, 8)


def test_thresholds_without_reports():
    t = w.thresholds(
        state="in_progress",
        deadline=date(2026, 12, 31),
        ongoing=False,
        cycle="quarter",
        start_date=date(2026, 1, 5),
        last_period=None,
        rules=RULES,
    )
    # Yellow the day after the Q1 report was due; missing after the Q2 due date (7 July);
    # red after the Q3 due date (National Day holiday 1–7 October, 10 October a working Saturday).
    assert t == w.Thresholds(date(2026, 4, 9), date(2026, 10, 14), date(2026, 7, 8))


def test_thresholds_with_last_cycle_reported_fall_back_to_deadline():
    t = w.thresholds(
        state="in_progress",
        deadline=date(2026, 12, 31),
        ongoing=False,
        cycle="quarter",
        start_date=date(2026, 1, 5),
        last_period=date(2026, 7, 1),
        rules=RULES,
    )
    # Ten working days before 31 December is 17 December; overdue from 1 January.
    assert t.yellow_at == date(2026, 12, 17)
    assert t.red_at == date(2027, 1, 1)


def test_ongoing_monthly_and_missed_count():
    kwargs = dict(
        state="in_progress",
        deadline=None,
        ongoing=True,
        cycle="month",
        start_date=date(2026, 1, 5),
        last_period=date(2026, 9, 1),
        rules=RULES,
    )
    t = w.thresholds(**kwargs)
    assert t == w.Thresholds(date(2026, 11, 7), date(2027, 1, 8), date(2026, 12, 8))
    assert w.missed_count(on=date(2026, 11, 27), **{k: v for k, v in kwargs.items()}) == 0
    assert w.missed_count(on=date(2026, 12, 8), **kwargs) == 1
    assert w.missed_count(on=date(2027, 1, 8), **kwargs) == 2


def test_closed_and_review_states_have_no_warning():
    for state in ("closed", "cancelled", "close_requested", "head_review"):
        assert (
            w.thresholds(
                state=state,
                deadline=date(2020, 1, 1),
                ongoing=False,
                cycle="month",
                start_date=date(2019, 1, 1),
                last_period=None,
                rules=RULES,
            )
            == w.NONE
        )


def test_level():
    assert w.level(date(2026, 4, 9), date(2026, 10, 14), date(2026, 4, 8)) == "green"
    assert w.level(date(2026, 4, 9), date(2026, 10, 14), date(2026, 4, 9)) == "yellow"
    assert w.level(date(2026, 4, 9), date(2026, 10, 14), date(2026, 10, 14)) == "red"
    assert w.level(None, None, date(2026, 1, 1)) == "green"
