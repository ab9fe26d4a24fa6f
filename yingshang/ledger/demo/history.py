"""The second demo document: last year's list, whose tasks fell due in the two quarters before the current
one, with their reports, close-outs and lapses on the days they happened."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from yingshang.org.demo.history import as_of, at, department_liaison, pdf, quarter_start

from .. import services
from .. import warnings as w
from ..models import Category

# --- 2026 重点任务清单: tasks due in the two quarters before the current one --------------------------------
# So the frozen quarterly assessments rank on ledger facts: tasks due across city departments and districts,
# most closed on time, some closed late, some still open past their deadline with reports stopped.
# (category code, measure, [(task, lead, co, quarter 0|1 (two back|one back), month in quarter, day, cycle,
# profile)]); profiles: ontime, ontime_late_report, late (closed after the deadline), open (overdue, reports
# stopped).
_DATA = json.loads((Path(__file__).parent / "history.json").read_text(encoding="utf-8"))
HISTORY_PLAN: list[list] = _DATA["plan"]
HISTORY_TEXTS: list[str] = _DATA["report_texts"]


def moment(d: date) -> datetime:
    """When things happen on day `d` in the demo ledger: half past ten."""
    return at(d, 10, 30)


def measures(office: Any, document: Any, plan: list[list]) -> Iterator[tuple[int, Any, list]]:
    """The measures of `plan` made under `document` in turn: (serial, measure, the plan's task rows)."""
    categories = {c.code: c for c in Category.objects.all()}
    for m_index, (category_code, measure_title, rows) in enumerate(plan, start=1):
        measure = services.measure_create(
            actor=office,
            document=document,
            title=measure_title,
            serial=str(m_index),
            category=categories[category_code],
            sort_order=m_index,
        )
        yield m_index, measure, rows


def report(lead_user: Any, task: Any, period: date, when: date, *, last: bool, **texts: Any) -> None:
    """The lead department's progress report for `period`, submitted on `when`; the last one has evidence."""
    with as_of(moment(when)):
        services.progress_report_submit(
            actor=lead_user,
            task=task,
            period_start=period,
            evidence=[pdf(f"{task.serial}-{period:%Y%m}-进展材料.pdf")] if last else [],
            submitted_at=moment(when),
            **texts,
        )


def seed_history(ctx: dict[str, Any], today: date) -> list:
    """A second document whose tasks fell due in the two quarters before the current one, with their
    reports, close-outs and lapses dated on the days they happened."""
    office = ctx["users"]["office"]
    departments = ctx["departments"]
    quarters = [quarter_start(today, 2), quarter_start(today, 1)]
    issued = quarters[0] - timedelta(days=55)
    document = services.policy_document_create(
        actor=office,
        title=f"示例市{issued.year}年优化营商环境重点任务清单",
        doc_number=f"示营商办〔{issued.year}〕3号",
        issuer="示例市优化营商环境工作领导小组办公室",
        issued_on=issued,
    )
    created = issued + timedelta(days=6)
    out = []
    serial = 0
    for m_index, measure, rows in measures(office, document, HISTORY_PLAN):
        for t_index, (title, lead, cos, quarter, month, day, cycle, profile) in enumerate(rows, 1):
            serial += 1
            q = quarters[quarter]
            first_of_month = date(q.year, q.month + month, 1)
            deadline = first_of_month.replace(day=min(day, w.period_end(first_of_month, "month").day))
            with as_of(moment(created)):
                task = services.task_create(
                    actor=office,
                    measure=measure,
                    title=title,
                    lead_departments=[departments[lead]],
                    co_departments=[departments[c] for c in cos],
                    deadline=deadline,
                    deadline_text=f"{deadline.year}年{deadline.month}月{deadline.day}日前",
                    cycle=cycle,
                    serial=f"{m_index}.{t_index}",
                    is_priority=t_index == 1,
                    start_date=created,
                    source_key=f"demo-history:{serial}",
                    sort_order=serial,
                )
            _task_history(ctx, task, lead, cos, profile, serial, today)
            out.append(task)
    return out


def _task_history(
    ctx: dict[str, Any], task, lead: str, cos: list[str], profile: str, n: int, today: date
) -> None:
    deadline = task.deadline
    lead_user = department_liaison(ctx, lead)
    if profile == "late":
        closed = deadline + timedelta(days=12 + (n % 3) * 7)
    elif profile == "open":
        closed = None
    else:
        closed = deadline - timedelta(days=2 + n % 4)
    if closed is not None:
        closed = min(closed, today - timedelta(days=1))  # loaded early in a quarter: nothing in the future
    stop = closed - timedelta(days=2) if closed else today
    periods = []
    p = w.period_start(task.start_date, task.cycle)
    while w.period_end(p, task.cycle) + timedelta(days=2) < stop and p <= deadline:
        periods.append(p)
        p = w.next_period(p, task.cycle)
    if profile == "open":
        periods = periods[: max(1, len(periods) - 3)] if task.cycle == "month" else periods[:2]
    late_index = {
        "ontime": None,
        "ontime_late_report": len(periods) - 2,
        "late": len(periods) - 1,
        "open": len(periods) - 1,
    }[profile]
    if cos:
        first_day = w.period_end(periods[0], task.cycle) if periods else task.start_date
        with as_of(moment(first_day)):
            services.contribution_submit(
                actor=department_liaison(ctx, cos[0]),
                task=task,
                text="本单位已按分工完成相关数据共享和业务协同。",
            )
    percent = 0
    for i, period in enumerate(periods):
        late = i == late_index
        due = w.report_due(period, task.cycle)
        when = (
            due + timedelta(days=4 + n % 3) if late else w.period_end(period, task.cycle) + timedelta(days=2)
        )
        when = min(when, stop - timedelta(days=1))
        percent = min(90, percent + 100 // (len(periods) + 1))
        texts = dict(
            text=HISTORY_TEXTS[i % len(HISTORY_TEXTS)],
            percent=percent,
            problems="部分基层窗口人员业务不熟练，系统对接存在延迟。" if late else "",
            next_steps="加强督促指导，确保按期完成目标任务。",
            coordination="需市大数据局协调打通相关业务系统数据接口。" if profile == "open" else "",
        )
        report(lead_user, task, period, when, last=i == len(periods) - 1, **texts)
    if closed is None:
        return
    with as_of(moment(closed - timedelta(days=2))):
        services.close_out_request(
            actor=lead_user,
            task=task,
            summary="任务目标已完成，相关制度文件已印发，佐证材料已归档。"
            if profile != "late"
            else "任务目标已完成（较计划时限有所滞后），相关佐证材料已归档。",
            evidence=[pdf(f"{task.serial}-销号证明材料.pdf")],
        )
    with as_of(moment(closed)):
        services.close_out_review(
            actor=ctx["users"]["office"], task=task, approve=True, reason="材料齐全，同意销号。"
        )
    task.refresh_from_db(fields=["closed_on"])
