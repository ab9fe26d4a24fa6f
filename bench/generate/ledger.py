"""Test data at scale for the ledger benchmarks (`generate_ledger --scale small|design`).

This is generated test data, not business input: it is written with bulk_create for speed, with the
warning thresholds computed by the same function the services use. Everything it makes carries the
"GEN-" prefix, so it can be told apart from real records (and found again by the benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from bench.common import bench_account
from yingshang.core.models import TimelineEntry
from yingshang.ledger import warnings as w
from yingshang.ledger import workflow as wf
from yingshang.ledger.models import Category, Measure, PolicyDocument, ProgressReport, Task, TaskDepartment
from yingshang.org import roles as r
from yingshang.org.models import Department, User

SCALES: dict[str, dict[str, int]] = {
    "small": {"departments": 30, "documents": 4, "measures": 200, "tasks": 2_000, "reports": 20_000},
    "design": {"departments": 150, "documents": 25, "measures": 5_000, "tasks": 50_000, "reports": 500_000},
}
WORDS = [
    "压缩企业开办时间",
    "推行“一网通办”",
    "优化工程建设项目审批",
    "降低企业用电成本",
    "规范涉企收费",
    "强化知识产权保护",
    "推进信用监管",
    "提升跨境贸易便利化",
    "完善政府采购制度",
    "加强中小投资者保护",
    "推行包容审慎监管",
    "建设人才公寓",
    "优化公共交通",
    "清理拖欠企业账款",
    "开展明察暗访",
]


def generated(scale: str) -> bool:
    n = SCALES[scale]
    return (
        Department.objects.filter(code__startswith="GEN-").count() >= n["departments"]
        and Task.objects.filter(source_key__startswith=f"GEN-{scale}:").count() >= n["tasks"]
    )


def top_up_reports(scale: str, *, rnd: random.Random | None = None, wanted: int | None = None) -> int:
    """Add reports for cycles before a task's start (older history) until the scale's report count is
    reached; they do not change any task's last reported cycle, so the thresholds stay as computed."""
    rnd = rnd or random.Random(1)
    prefix = f"GEN-{scale}:"
    wanted = SCALES[scale]["reports"] if wanted is None else wanted
    missing = wanted - ProgressReport.objects.filter(task__source_key__startswith=prefix).count()
    if missing <= 0:
        return 0
    liaison_id = User.objects.get(username="gen_liaison").pk
    tasks = list(
        Task.objects.filter(source_key__startswith=prefix).only(
            "id", "cycle", "start_date", "primary_lead_id"
        )
    )
    rnd.shuffle(tasks)
    reports = []
    for i in range(missing):
        task = tasks[i % len(tasks)]
        back = i // len(tasks) + 1
        period = task.start_date
        for _ in range(back):
            period = w.previous_period(period, task.cycle)
        reports.append(
            ProgressReport(
                task_id=task.pk,
                period_start=period,
                department_id=task.primary_lead_id,
                text=f"{w.period_label(period, task.cycle)}工作进展（历史）。",
                percent=0,
                is_late=False,
                submitted_by_id=liaison_id,
                submitted_at=timezone.make_aware(
                    datetime.combine(w.period_end(period, task.cycle), time(10))
                ),
            )
        )
    with transaction.atomic():
        ProgressReport.objects.bulk_create(reports, batch_size=5000)
    return len(reports)


def bench_users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__startswith="gen_")}


def _state(roll: float) -> str:
    """15 % closed, 3 % close requested, 2 % cancelled, the rest in progress."""
    if roll < 0.15:
        return wf.CLOSED
    if roll < 0.18:
        return wf.CLOSE_REQUESTED
    if roll < 0.20:
        return wf.CANCELLED
    return wf.IN_PROGRESS


def _departments_and_accounts(count: int) -> list[Department]:
    """`count` generated departments (made when missing) and the gen_* accounts."""
    with transaction.atomic():
        existing = Department.objects.filter(code__startswith="GEN-").count()
        new_departments = [
            Department(
                code=f"GEN-{i:03d}",
                name=f"生成测试单位{i:03d}",
                short_name=f"测试单位{i:03d}",
                sort_order=1000 + i,
            )
            for i in range(existing + 1, count + 1)
        ]
        Department.objects.bulk_create(new_departments, batch_size=500)
        departments = list(Department.objects.filter(code__startswith="GEN-").order_by("code")[:count])
        for d in departments:
            d.path = f"/{d.pk}/"
        Department.objects.bulk_update(departments, ["path"], batch_size=500)
        for username, roles, dept in [
            ("gen_office", {r.OFFICE}, None),
            ("gen_leader", {r.LEADER}, None),
            ("gen_liaison", {r.LIAISON}, departments[0]),
        ]:
            bench_account(username, "", roles, dept)
    return departments


def generate(
    scale: str,
    *,
    sizes: dict[str, int] | None = None,
    seed: int = 20260101,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate under the name `scale` (the prefix of every key), at its entry in SCALES or at `sizes`."""
    n = sizes or SCALES[scale]
    rnd = random.Random(seed)
    today = timezone.localdate()
    log(f"generating ledger test data at scale {scale}: {n}")

    departments = _departments_and_accounts(n["departments"])
    categories = list(Category.objects.filter(is_active=True))
    rules = w.Rules.current()
    ct = ContentType.objects.get_for_model(Task)
    per_doc_measures = n["measures"] // n["documents"]
    tasks_per_measure = n["tasks"] // n["measures"]
    reports_left = n["reports"]
    liaison_id = User.objects.get(username="gen_liaison").pk
    task_counter = 0
    start_monthly = w.period_start(today - timedelta(days=365), "month")
    start_quarterly = w.period_start(today - timedelta(days=730), "quarter")
    for doc_i in range(n["documents"]):
        with transaction.atomic():
            document = PolicyDocument.objects.create(
                title=f"生成测试政策文件{doc_i + 1:02d}（{scale}）",
                doc_number=f"GEN-{scale}-{doc_i + 1:02d}",
                issuer="示例市人民政府",
                issued_on=today - timedelta(days=400),
            )
            measures = Measure.objects.bulk_create(
                [
                    Measure(
                        document=document,
                        serial=str(m + 1),
                        title=f"{rnd.choice(WORDS)}（第{m + 1}条）",
                        category=categories[m % len(categories)],
                        sort_order=m,
                    )
                    for m in range(per_doc_measures)
                ],
                batch_size=1000,
            )
            tasks: list[Task] = []
            plans: list[tuple[list[int], list[int]]] = []
            for measure in measures:
                for k in range(tasks_per_measure):
                    task_counter += 1
                    monthly = rnd.random() < 0.7
                    cycle = "month" if monthly else "quarter"
                    start = start_monthly if monthly else start_quarterly
                    ongoing = rnd.random() < 0.2
                    deadline = None if ongoing else today + timedelta(days=rnd.randint(-60, 400))
                    roll = rnd.random()
                    state = _state(roll)
                    leads = rnd.sample(range(len(departments)), 2 if rnd.random() < 0.1 else 1)
                    cos = [
                        c for c in rnd.sample(range(len(departments)), rnd.randint(0, 3)) if c not in leads
                    ]
                    plans.append((leads, cos))
                    tasks.append(
                        Task(
                            measure=measure,
                            document=document,
                            category=measure.category,
                            serial=f"{measure.serial}.{k + 1}",
                            title=f"{measure.title}：具体措施{k + 1}",
                            primary_lead=departments[leads[0]],
                            deadline=deadline,
                            ongoing=ongoing,
                            cycle=cycle,
                            start_date=start,
                            is_priority=rnd.random() < 0.1,
                            sort_order=task_counter,
                            source_key=f"GEN-{scale}:{task_counter}",
                            state=state,
                            closed_on=today - timedelta(days=rnd.randint(1, 200))
                            if state == wf.CLOSED
                            else None,
                            percent=100 if state == wf.CLOSED else rnd.randint(0, 95),
                        )
                    )
            Task.objects.bulk_create(tasks, batch_size=1000)
            links = []
            for task, (leads, cos) in zip(tasks, plans, strict=True):
                for i, li in enumerate(leads):
                    links.append(
                        TaskDepartment(
                            task=task,
                            department=departments[li],
                            role="lead",
                            is_primary=i == 0,
                            sort_order=i,
                        )
                    )
                for i, ci in enumerate(cos):
                    links.append(
                        TaskDepartment(task=task, department=departments[ci], role="co", sort_order=10 + i)
                    )
            TaskDepartment.objects.bulk_create(links, batch_size=2000)
            reports: list[ProgressReport] = []
            timeline: list[TimelineEntry] = []
            docs_left = n["documents"] - doc_i
            budget = reports_left // docs_left
            per_task = budget / max(1, len(tasks)) * 1.1
            for task in tasks:
                periods = []
                p = task.start_date
                while w.period_end(p, task.cycle) < today:
                    periods.append(p)
                    p = w.next_period(p, task.cycle)
                want = min(len(periods), max(0, round(rnd.gauss(per_task, 2))))
                if rnd.random() < 0.15:
                    want = max(0, want - rnd.randint(1, 4))  # stopped reporting: missing, then red
                chosen = periods[:want]
                for period in chosen:
                    due = w.report_due(period, task.cycle, rules.due_workdays)
                    late = rnd.random() < 0.1
                    when = (
                        due + timedelta(days=rnd.randint(1, 10))
                        if late
                        else due - timedelta(days=rnd.randint(0, 4))
                    )
                    reports.append(
                        ProgressReport(
                            task=task,
                            period_start=period,
                            department_id=task.primary_lead_id,
                            text=f"{w.period_label(period, task.cycle)}工作进展：按计划推进，完成阶段目标。",
                            percent=task.percent,
                            problems="",
                            next_steps="继续推进。",
                            is_late=late,
                            submitted_by_id=liaison_id,
                            submitted_at=timezone.make_aware(datetime.combine(min(when, today), time(10))),
                        )
                    )
                if chosen:
                    task.last_period = chosen[-1]
                    task.last_report_on = min(w.report_due(chosen[-1], task.cycle, rules.due_workdays), today)
                t = w.thresholds(
                    state=task.state,
                    deadline=task.deadline,
                    ongoing=task.ongoing,
                    cycle=task.cycle,
                    start_date=task.start_date,
                    last_period=task.last_period,
                    rules=rules,
                )
                task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
                timeline.append(
                    TimelineEntry(content_type=ct, object_id=task.pk, action="create", label="任务建立")
                )
            ProgressReport.objects.bulk_create(reports, batch_size=5000)
            TimelineEntry.objects.bulk_create(timeline, batch_size=5000)
            Task.objects.bulk_update(
                tasks, ["last_period", "last_report_on", "yellow_at", "red_at", "missing_at"], batch_size=2000
            )
            reports_left -= len(reports)
        log(f"document {doc_i + 1}/{n['documents']}: {len(tasks)} tasks, {len(reports)} reports")
    top_up_reports(scale, rnd=rnd, wanted=n["reports"])
    return {
        "departments": len(departments),
        "tasks": Task.objects.filter(source_key__startswith=f"GEN-{scale}:").count(),
        "reports": ProgressReport.objects.filter(task__source_key__startswith=f"GEN-{scale}:").count(),
        "measures": Measure.objects.filter(document__doc_number__startswith=f"GEN-{scale}-").count(),
    }
