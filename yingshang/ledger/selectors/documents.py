"""The progress of a policy document and its 落实情况 report, per lead department."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from yingshang.org.models import Department

from .. import warnings as w
from .. import workflow as wf
from ..models import PolicyDocument, ProgressReport, TaskDepartment
from .tasks import scoped_tasks, warning_q


def document_progress(document: PolicyDocument, user: Any) -> dict[str, Any]:
    """Per primary lead department and per category: total, closed, red, yellow (today)."""
    on = timezone.localdate()
    base = scoped_tasks(user).filter(document=document)
    aggregates = {
        "total": Count("id"),
        "closed": Count("id", filter=Q(state=wf.CLOSED)),
        "red": Count("id", filter=warning_q(w.RED, on)),
        "yellow": Count("id", filter=warning_q(w.YELLOW, on)),
    }
    by_department = list(
        base.values("primary_lead_id", "primary_lead__name", "primary_lead__short_name")
        .annotate(**aggregates)
        .order_by("primary_lead__sort_order", "primary_lead_id")
    )
    by_category = list(
        base.values("category_id", "category__name").annotate(**aggregates).order_by("category__sort_order")
    )
    totals = base.aggregate(**aggregates)
    return {"by_department": by_department, "by_category": by_category, "totals": totals}


@dataclass
class DepartmentLine:
    department: Department
    total: int = 0
    closed: int = 0
    on_track: int = 0
    yellow: int = 0
    red: int = 0
    missing: int = 0
    cancelled: int = 0

    def count(self, outcome: str, missing: bool) -> None:
        """One task of this lead department, by what it was on the day: cancelled, closed or a level."""
        if outcome == wf.CANCELLED:
            self.cancelled += 1
            return
        self.total += 1
        field_name = {wf.CLOSED: "closed", w.RED: "red", w.YELLOW: "yellow"}.get(outcome, "on_track")
        setattr(self, field_name, getattr(self, field_name) + 1)
        self.missing += int(missing)


def _last_accepted_periods(ids: list[int], until: datetime) -> dict[int, date]:
    last_periods: dict[int, date] = {}
    for chunk in _chunks(ids, 5000):
        for task_id, period in (
            ProgressReport.objects.filter(
                task_id__in=chunk, submitted_at__lte=until, status=ProgressReport.Status.ACCEPTED
            )
            .values_list("task_id", "period_start")
            .order_by()
        ):
            if task_id not in last_periods or period > last_periods[task_id]:
                last_periods[task_id] = period
    return last_periods


def _lead_ids(ids: list[int]) -> dict[int, list[int]]:
    leads: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids, 5000):
        for task_id, dept_id in TaskDepartment.objects.filter(
            task_id__in=chunk, role=TaskDepartment.Role.LEAD
        ).values_list("task_id", "department_id"):
            leads[task_id].append(dept_id)
    return leads


def implementation_report(document: PolicyDocument, on: date, user: Any) -> list[DepartmentLine]:
    """落实情况 as of the end of day `on`, per lead department (a task counts for each of its lead
    departments): tasks total, closed, on track (green), yellow, red, with a report missing. Reports
    submitted after `on` and close-outs after `on` are not counted; today's office settings apply."""
    rules = w.Rules.current()
    tasks = list(
        scoped_tasks(user)
        .filter(document=document, start_date__lte=on)
        .only("id", "state", "deadline", "ongoing", "cycle", "start_date", "last_period", "closed_on")
    )
    ids = [t.id for t in tasks]
    last_periods = _last_accepted_periods(ids, timezone.make_aware(datetime.combine(on, time.max)))
    leads = _lead_ids(ids)
    lines: dict[int, DepartmentLine] = {}
    departments = Department.objects.in_bulk({d for v in leads.values() for d in v})
    for task in tasks:
        closed = task.state == wf.CLOSED and task.closed_on is not None and task.closed_on <= on
        cancelled = task.state == wf.CANCELLED
        state = wf.CLOSED if closed else (wf.CANCELLED if cancelled else wf.IN_PROGRESS)
        as_of = {**w.facts(task), "state": state, "last_period": last_periods.get(task.id)}
        t = w.thresholds(**as_of, rules=rules)
        outcome = state if state != wf.IN_PROGRESS else w.level(t.yellow_at, t.red_at, on)
        missing = t.missing_at is not None and t.missing_at <= on
        for dept_id in leads.get(task.id, []):
            if dept_id not in lines:
                lines[dept_id] = DepartmentLine(departments[dept_id])
            lines[dept_id].count(outcome, missing)
    return sorted(lines.values(), key=lambda x: (x.department.sort_order, x.department.code))


REPORT_HEADERS = ["序号", "牵头单位", "任务总数", "已销号", "正常推进", "黄色预警", "红色预警", "未按时反馈"]


def report_rows(lines: list[DepartmentLine]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [i, x.department.name, x.total, x.closed, x.on_track, x.yellow, x.red, x.missing]
        for i, x in enumerate(lines, start=1)
    ]
    rows.append(
        [
            "",
            "合计",
            sum(x.total for x in lines),
            sum(x.closed for x in lines),
            sum(x.on_track for x in lines),
            sum(x.yellow for x in lines),
            sum(x.red for x in lines),
            sum(x.missing for x in lines),
        ]
    )
    return rows


def _chunks(items: list[int], size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
