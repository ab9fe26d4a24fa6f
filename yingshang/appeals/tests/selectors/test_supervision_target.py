"""Appeals register themselves as supervision items; the reminder scan reads open appeals by deadline."""

import datetime as dt

from django.utils import timezone

from yingshang.appeals import supervision_targets
from yingshang.supervision.targets import REGISTRY


def test_appeals_register_their_own_target_type():
    assert REGISTRY["appeals.appeal"].due_rows is supervision_targets.due_rows


def test_due_rows_are_appeals_held_by_a_department_with_the_deadline_passed(walk, dept):
    held = [walk("dispatched"), walk("signed")]
    walk("submitted"), walk("replied"), walk("concluded")
    deadline = timezone.localdate(held[0].reply_deadline)
    assert list(supervision_targets.due_rows(deadline - dt.timedelta(days=1))) == []
    rows = sorted(supervision_targets.due_rows(deadline))
    assert rows == sorted((a.pk, dept.pk, deadline, a.title) for a in held)


def test_due_scan_is_not_sorted(db):
    sql = str(supervision_targets.due_queryset(dt.date(2026, 10, 9)).query)
    assert "ORDER BY" not in sql and "reply_deadline" in sql
