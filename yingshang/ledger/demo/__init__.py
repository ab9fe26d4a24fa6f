"""Demo ledger: 示例市优化营商环境若干措施 with the five environments, tasks across the demo departments and
two quarters of progress history (on time, late, missing, closed, one close-out awaiting review), built
through the services. Dates are relative to the day the demo is loaded, so the picture stays realistic."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from yingshang.org.demo.history import as_of, department_liaison, pdf

from .. import services
from .. import warnings as w
from .history import measures, moment, report, seed_history
from .plan import PLAN, REPORT_TEXTS


def _deadline(key: str, today: date) -> date | None:
    if key == "ongoing":
        return None
    if key == "year_end":
        return date(today.year, 12, 31)
    if key == "next_mid":
        return date(today.year + 1, 6, 30)
    if key == "soon":
        return today + timedelta(days=10)
    return today.replace(day=1) - timedelta(days=20)  # overdue


def seed(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    office = ctx["users"]["office"]
    departments = ctx["departments"]
    document = services.policy_document_create(
        actor=office,
        title="示例市优化营商环境若干措施",
        doc_number=f"示政发〔{today.year}〕8号",
        issuer="示例市人民政府",
        issued_on=w.previous_period(w.period_start(today, "half"), "half") + timedelta(days=20),
    )
    start = w.previous_period(w.previous_period(w.period_start(today, "quarter"), "quarter"), "quarter")
    # The timeline reads as the history it stands for: tasks entered days after the document was issued,
    # each report, contribution, close-out and extension on its own day (not the day the demo was loaded).
    created = moment(min(document.issued_on + timedelta(days=5), today) if document.issued_on else today)
    tasks = []
    serial = 0
    for m_index, measure, rows in measures(office, document, PLAN):
        for t_index, (title, leads, cos, deadline_key, cycle, profile, metric, target, unit) in enumerate(
            rows, 1
        ):
            serial += 1
            deadline = _deadline(deadline_key, today)
            with as_of(created):
                task = services.task_create(
                    actor=office,
                    measure=measure,
                    title=title,
                    lead_departments=[departments[c] for c in leads],
                    co_departments=[departments[c] for c in cos],
                    deadline=deadline,
                    ongoing=deadline is None,
                    deadline_text="长期坚持"
                    if deadline is None
                    else f"{deadline.year}年{deadline.month}月{deadline.day}日前",
                    cycle=cycle,
                    serial=f"{m_index}.{t_index}",
                    metric=metric,
                    target_value=target,
                    unit=unit,
                    is_priority=profile in {"missing", "pending"} or t_index == 1,
                    start_date=w.period_start(today, cycle) if profile == "new" else start,
                    source_key=f"demo:{serial}",
                    sort_order=serial,
                )
            tasks.append((task, leads, cos, profile))
    for task, leads, cos, profile in tasks:
        _history(ctx, task, leads, cos, profile, today)
    # A pending extension request and one return for more evidence, so the office has work to review.
    for task, _leads, _cos, profile in tasks:
        if profile == "late" and not task.ongoing and task.deadline and task.deadline >= today:
            with as_of(moment(today - timedelta(days=2))):
                services.extension_request(
                    actor=department_liaison(ctx, _leads[0]),
                    task=task,
                    requested_deadline=task.deadline + timedelta(days=90),
                    reason="配套系统需待省级平台升级后对接，申请延期三个月。",
                )
            break
    ctx["ledger_document"] = document
    ctx["ledger_tasks"] = [t for t, *_ in tasks]
    ctx["ledger_history_tasks"] = seed_history(ctx, today)


def _history(ctx: dict[str, Any], task, leads: list[str], cos: list[str], profile: str, today: date) -> None:
    if profile == "new":
        return
    lead_user = department_liaison(ctx, leads[0])
    periods = []
    p = w.period_start(task.start_date, task.cycle)
    while w.period_end(p, task.cycle) < today:
        periods.append(p)
        p = w.next_period(p, task.cycle)
    if profile == "missing":
        periods = periods[:1]
    elif profile == "due":
        periods = periods[:-1]  # the last ended cycle is not reported yet: past its due date, yellow
    elif profile == "silent":
        periods = []
    percent = 0
    last = today - timedelta(days=10)
    for i, period in enumerate(periods):
        due = w.report_due(period, task.cycle)
        late = profile == "late" and i == len(periods) - 1
        when = due + timedelta(days=4) if late else w.period_end(period, task.cycle) + timedelta(days=2)
        if when > today:
            continue
        if cos and i == 0:
            with as_of(moment(when - timedelta(days=1))):
                services.contribution_submit(
                    actor=department_liaison(ctx, cos[0]),
                    task=task,
                    text="本单位已按分工完成相关数据共享和业务协同。",
                )
        percent = min(95, percent + 100 // (len(periods) + 1) + 5)
        last = when
        texts = dict(
            text=REPORT_TEXTS[i % len(REPORT_TEXTS)],
            percent=percent,
            metric_value=(task.target_value * percent / 100) if task.target_value is not None else None,
            problems="个别区县数据对接进度偏慢。" if i % 2 else "",
            next_steps="加快推进系统对接，做好政策宣传解读。",
            coordination="需市大数据局协调省级数据接口。" if profile == "missing" else "",
        )
        report(lead_user, task, period, when, last=i == len(periods) - 1, **texts)
    if profile in {"closed", "pending"}:
        asked = min(today - timedelta(days=2), last + timedelta(days=3))
        with as_of(moment(asked)):
            services.close_out_request(
                actor=lead_user,
                task=task,
                summary="各项任务目标已全部完成，相关制度文件已印发实施。",
                evidence=[pdf(f"{task.serial}-销号证明材料.pdf")],
            )
        if profile == "closed":
            with as_of(moment(asked + timedelta(days=1))):
                services.close_out_review(
                    actor=ctx["users"]["office"], task=task, approve=True, reason="材料齐全，同意销号。"
                )
