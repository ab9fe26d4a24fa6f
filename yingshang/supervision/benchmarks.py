"""Reminder-scan benchmark (`python manage.py bench --scale small|design --only supervision`).

Target (DESIGN.md scale): the scan over 50,000 open tasks and 200,000 open appeals takes < 30 s, and with ten
times the closed history the time barely moves, because each item type's `due_rows` reads only open items
whose deadline has come within reach, on a (state, deadline) index.

The scan is type-agnostic (it reads every registered target type through `targets.REGISTRY`). The rows are
generated for supervision's own registered types — leader instructions stand in for the task population and
inspection findings for the appeal population — because the ledger and appeals models are owned (and still
changing) elsewhere; the `scale` line of every figure names the types used. Everything runs inside one
transaction that is rolled back, so the database is left as it was."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yingshang.org import roles as r
from yingshang.org.models import Department, User
from yingshang.workdays.calendar import add_workdays, is_workday

from . import services
from .models import Finding, Inspection, Instruction, Reminder

SCALES = {
    "small": {"tasks": 5_000, "appeals": 20_000, "departments": 50},
    "design": {"tasks": 50_000, "appeals": 200_000, "departments": 150},
}
BATCH = 5_000


class _Rollback(Exception):
    pass


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _setup(n_departments: int) -> dict[str, Any]:
    depts = Department.objects.bulk_create(
        [
            Department(code=f"BENCH-SUP-{i:03d}", name=f"督办基准测试单位{i:03d}", path="")
            for i in range(n_departments)
        ]
    )
    for d in depts:
        d.path = f"/{d.pk}/"
    Department.objects.bulk_update(depts, ["path"])
    users = []
    for d in depts:
        users.append(
            User(username=f"bench_sup_l{d.pk}", password="!", roles=r.ROLE_BITS[r.LIAISON], department=d)
        )
        users.append(
            User(username=f"bench_sup_h{d.pk}", password="!", roles=r.ROLE_BITS[r.DEPT_HEAD], department=d)
        )
    User.objects.bulk_create(users)
    leader = User.objects.create(username="bench_sup_leader", password="!", roles=r.ROLE_BITS[r.LEADER])
    inspector = User.objects.create(
        username="bench_sup_inspector", password="!", roles=r.ROLE_BITS[r.INSPECTOR]
    )
    inspection = Inspection.objects.create(
        date=timezone.localdate(), place="基准测试", team="基准测试", summary="基准测试", created_by=inspector
    )
    return {"dept_ids": [d.pk for d in depts], "leader": leader, "inspection": inspection}


def _make(kind: str, n: int, ctx: dict[str, Any], rnd: random.Random, *, open_: bool, today: dt.date) -> None:
    """n instructions ("tasks") or findings ("appeals"); open ones with deadlines from 40 working days ago to
    250 days ahead, closed ones (history) with deadlines in the past five years. Written with one
    executemany per batch (plain INSERT, same SQL on SQLite and PostgreSQL): bulk_create is too slow for
    millions of rows."""
    past = add_workdays(today, -40)
    now = timezone.now()
    if kind == "tasks":
        table = Instruction._meta.db_table
        columns = (
            "state, version, target_label, leader_id, content, department_id, deadline, created_at, reply"
        )
        state = "assigned" if open_ else "concluded"
    else:
        table = Finding._meta.db_table
        columns = (
            "state, version, inspection_id, description, department_id, rectification_deadline, created_at, "
            "report, verify_note"
        )
        state = "assigned" if open_ else "closed"
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(columns.split(',')))})"
    with connection.cursor() as cursor:
        for start in range(0, n, BATCH):
            rows: list[tuple[Any, ...]] = []
            for _ in range(min(BATCH, n - start)):
                if open_:
                    deadline = past + dt.timedelta(days=rnd.randint(0, 290))
                else:
                    deadline = today - dt.timedelta(days=rnd.randint(60, 5 * 365))
                dept = rnd.choice(ctx["dept_ids"])
                if kind == "tasks":
                    rows.append(
                        (
                            state,
                            0,
                            "",
                            ctx["leader"].pk,
                            "基准测试批示事项：请抓紧办理并按时反馈",
                            dept,
                            deadline,
                            now,
                            "",
                        )
                    )
                else:
                    rows.append(
                        (
                            state,
                            0,
                            ctx["inspection"].pk,
                            "基准测试问题：窗口服务不规范",
                            dept,
                            deadline,
                            now,
                            "",
                            "",
                        )
                    )
            cursor.executemany(sql, rows)


def _timed_scan(today: dt.date) -> tuple[float, dict[str, int]]:
    from django.urls import reverse

    reverse(
        "supervision:order_list"
    )  # load the URL configuration outside the timing, as a running worker has
    t0 = time.perf_counter()
    stats = services.reminder_scan(today=today, types=["supervision.instruction", "supervision.finding"])
    return time.perf_counter() - t0, stats


def reminder_scan(scale: str) -> Iterator[dict[str, Any]]:
    n = SCALES[scale]
    rnd = random.Random(20261001)
    today = timezone.localdate()
    while not is_workday(today):
        today -= dt.timedelta(days=1)
    base = {
        "open_tasks": n["tasks"],
        "open_appeals": n["appeals"],
        "task_type": "supervision.instruction",
        "appeal_type": "supervision.finding",
        "departments": n["departments"],
        "day": today.isoformat(),
    }
    lines: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            ctx = _setup(n["departments"])
            t0 = time.perf_counter()
            for kind in ("tasks", "appeals"):
                _make(kind, n[kind], ctx, rnd, open_=True, today=today)
                _make(kind, n[kind], ctx, rnd, open_=False, today=today)  # closed history = 1x the open items
            _log(f"generated {2 * (n['tasks'] + n['appeals'])} rows in {time.perf_counter() - t0:.1f}s")

            sid = transaction.savepoint()
            seconds, stats = _timed_scan(today)
            scale_1x = {
                **base,
                "closed_history": n["tasks"] + n["appeals"],
                "sent": stats["sent"],
                "examined": stats["examined"],
            }
            lines.append(
                {
                    "bench": "supervision.reminder_scan",
                    "metric": "seconds",
                    "value": round(seconds, 2),
                    "scale": scale_1x,
                }
            )
            lines.append(
                {
                    "bench": "supervision.reminder_scan",
                    "metric": "per_s",
                    "value": round(stats["examined"] / seconds),
                    "scale": scale_1x,
                }
            )
            rerun, again = _timed_scan(today)
            lines.append(
                {
                    "bench": "supervision.reminder_scan_rerun",
                    "metric": "seconds",
                    "value": round(rerun, 2),
                    "scale": {**scale_1x, "sent": again["sent"], "already": again["already"]},
                }
            )
            assert again["sent"] == 0 and Reminder.objects.count() == stats["sent"]
            transaction.savepoint_rollback(sid)
            yield from lines

            t0 = time.perf_counter()
            for kind in ("tasks", "appeals"):
                _make(kind, 9 * n[kind], ctx, rnd, open_=False, today=today)  # now 10x the closed history
            _log(f"added {9 * (n['tasks'] + n['appeals'])} closed rows in {time.perf_counter() - t0:.1f}s")
            seconds10, stats10 = _timed_scan(today)
            scale_10x = {
                **base,
                "closed_history": 10 * (n["tasks"] + n["appeals"]),
                "sent": stats10["sent"],
                "examined": stats10["examined"],
            }
            yield {
                "bench": "supervision.reminder_scan_10x_closed",
                "metric": "seconds",
                "value": round(seconds10, 2),
                "scale": scale_10x,
            }
            yield {
                "bench": "supervision.reminder_scan_10x_closed",
                "metric": "ms",
                "value": round((seconds10 - seconds) * 1000),
                "scale": {**scale_10x, "note": "difference to the 1x run"},
            }
            raise _Rollback
    except _Rollback:
        pass


BENCHMARKS = [reminder_scan]
