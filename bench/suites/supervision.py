"""Reminder-scan benchmark (`python manage.py bench --scale small|design --only supervision`).

Target (issue 5, DESIGN.md scale): the scan over 50,000 open ledger tasks and 200,000 open appeals takes < 30 s,
and with ten times the closed history the time barely moves, because each item type's `due_rows` reads only
open items whose deadline has come within reach, on a (state, deadline) index.

The items are the real ones, made by the owning apps' generators:
- ledger tasks by `bench.generate.ledger.generate` (the `generate_ledger` command's function) at sizes
  chosen so that at least the wanted number of tasks is open; the surplus open ones are closed, so exactly
  `open_tasks` are open. Closed history is added as closed copies of the generated tasks (one INSERT … SELECT
  per round: same columns, state `closed`, a distinct source key), without their reports and links, which
  the scan never reads;
- appeals with the `generate_appeals` command's row layout, writer (COPY on PostgreSQL, executemany elsewhere)
  and deadline functions (`appeals.deadlines` with the rules read once): open appeals are `dispatched` or
  `signed` with their reply deadline from their dispatch hour, dispatched a few days ago on an exponential
  spread (mean 7 days, at most 60), so some are overdue, some due within the reminder window and most not yet;
  closed history is `concluded`/`closed` appeals received over the past ten years (appeal rows only; the scan
  reads nothing else).

Closed history is 1x the open items for the first run and 10x for the second. Each department gets a liaison
and a head, so reminders are really addressed. Everything lives in a throwaway database beside the configured
one, committed as on a live system and VACUUM ANALYZEd after each load (what autovacuum would have done).
Each scan runs on a fresh copy of the 1x or the 10x database, starting from the same open items with no
reminders yet, and must send exactly as many; 1x and 10x alternate twice and the faster run of each is
reported. The scans commit chunk by chunk as in production. The due-item queries are EXPLAINed
at the end (to stderr)."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import Line, line, log
from bench.db import snapshot, switched_to, throwaway_database, vacuum_analyze
from bench.generate import appeals as generated_appeals
from bench.generate import ledger as generated_ledger
from yingshang.org import roles as r
from yingshang.org.models import Department, User
from yingshang.supervision import services
from yingshang.supervision.models import Reminder
from yingshang.workdays.calendar import is_workday

SCALES = {
    "small": {"tasks": 5_000, "appeals": 20_000},
    "design": {"tasks": 50_000, "appeals": 200_000},
}
TYPES = ["ledger.task", "appeals.appeal"]
LEDGER_OPEN_SHARE = 0.78  # the ledger generator leaves ~80 % of its tasks in progress


# --- ledger tasks ---------------------------------------------------------------------------------------


def _ledger_key(scale: str) -> str:
    return f"SUPB{scale[0]}"


def _make_tasks(scale: str, want_open: int, today: dt.date) -> dict[str, Any]:
    """Run the ledger generator at sizes of its own; close the open tasks beyond `want_open`."""
    from yingshang.ledger import workflow as lw
    from yingshang.ledger.models import Task

    key = _ledger_key(scale)
    documents = 5
    total = math.ceil(want_open / LEDGER_OPEN_SHARE / (documents * 10)) * documents * 10
    sizes = {
        "departments": 150 if scale == "design" else 30,
        "documents": documents,
        "measures": total // 10,
        "tasks": total,
        "reports": 0,  # the scan reads no reports; the generator still writes a few per task
    }
    generated_ledger.generate(key, sizes=sizes, log=log)
    prefix = f"GEN-{key}:"
    open_ids = list(
        Task.objects.filter(source_key__startswith=prefix, state__in=lw.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    surplus = open_ids[want_open:]
    for start in range(0, len(surplus), 5_000):
        Task.objects.filter(pk__in=surplus[start : start + 5_000]).update(
            state=lw.CLOSED, closed_on=today - dt.timedelta(days=30), percent=100
        )
    generated = Task.objects.filter(source_key__startswith=prefix)
    return {
        "prefix": prefix,
        "open": generated.filter(state__in=lw.OPEN).count(),
        "open_with_deadline": generated.filter(state__in=lw.OPEN, deadline__isnull=False).count(),
        "closed": generated.exclude(state__in=lw.OPEN).count(),
        "total": generated.count(),
    }


def _add_closed_tasks(prefix: str, n: int, rnd_tag: str, today: dt.date) -> None:
    """n closed tasks: copies of the generated tasks (INSERT … SELECT, same SQL on SQLite and PostgreSQL)."""
    from yingshang.ledger import workflow as lw
    from yingshang.ledger.models import Task

    table = Task._meta.db_table
    template_count = Task.objects.filter(source_key__startswith=prefix).count()
    override: dict[str, tuple[str, list[Any]]] = {
        "state": ("%s", [lw.CLOSED]),
        "closed_on": ("COALESCE(closed_on, %s)", [today - dt.timedelta(days=90)]),
        "percent": ("100", []),
    }
    columns = [f.column for f in Task._meta.concrete_fields if f.column != "id"]
    round_ = 0
    with connection.cursor() as cursor:
        while n > 0:
            round_ += 1
            size = min(n, template_count)
            exprs: list[str] = []
            params: list[Any] = []
            for col in columns:
                if col == "source_key":
                    exprs.append("%s || source_key")
                    params.append(f"H{rnd_tag}{round_}-")
                elif col in override:
                    sql, p = override[col]
                    exprs.append(sql)
                    params.extend(p)
                else:
                    exprs.append(col)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {table} "
                f"WHERE source_key LIKE %s ORDER BY id LIMIT {size}",
                [*params, f"{prefix}%"],
            )
            n -= size


# --- appeals ----------------------------------------------------------------------------------------------


class _Appeals:
    """Appeal rows in the `generate_appeals` command's layout, written by its writer; columns the model has
    gained since (nullable links, flags with a default) are filled with the model's defaults."""

    def __init__(self, dept_ids: list[int], rnd: random.Random) -> None:
        from yingshang.appeals import deadlines
        from yingshang.appeals.models import Appeal
        from yingshang.appeals.office_settings import CATEGORY_LIMITS
        from yingshang.core.crypto import blind_index, encrypt

        self.deadlines = deadlines
        self.rules = deadlines.Rules.in_force().resolved()
        self.limits = {c: deadlines.limits_for(c, False) for c in CATEGORY_LIMITS}
        self.categories = list(CATEGORY_LIMITS)
        self.dept_ids = dept_ids
        self.rnd = rnd
        self.columns = list(generated_appeals.APPEAL_COLUMNS)
        self.columns += [f.column for f in Appeal._meta.concrete_fields if f.column not in self.columns]
        fields = {f.column: f for f in Appeal._meta.concrete_fields}
        self.defaults = [
            fields[c].get_default() if fields[c].has_default() else (None if fields[c].null else "")
            for c in self.columns
        ]
        self.pos = {c: i for i, c in enumerate(self.columns)}
        self.next_id = Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.writer = generated_appeals.Writer()
        self.phones = []
        for _ in range(200):
            phone = f"1{rnd.choice('3578')}{rnd.randint(0, 9)}{rnd.randint(10000000, 99999999)}"
            self.phones.append((encrypt(phone), blind_index(phone), phone[-4:]))
        self.cache: dict[tuple[str, dt.datetime], tuple[dt.datetime, dt.datetime]] = {}
        self.now = timezone.now()

    def _row(self, **values: Any) -> tuple[Any, ...]:
        self.next_id += 1
        pk = self.next_id
        cipher, phone_hash, last4 = self.rnd.choice(self.phones)
        word = self.rnd.choice(generated_appeals.WORDS)
        base: dict[str, Any] = {
            "id": pk,
            "state": "",
            "version": 1,
            "tracking_code": f"G{pk:012d}",
            "enterprise_name": f"示例{word}企业{pk % 5000}有限公司",
            "contact_name": "联系人",
            "contact_phone": cipher,
            "phone_hash": phone_hash,
            "phone_last4": last4,
            "urgent": False,
            "title": f"关于{word}的诉求",
            "description": f"我公司反映{word}相关问题，请协调解决。编号{pk}",
            "source": "api",
            "round": 1,
            "reopen_count": 0,
            "updated_at": self.now,
        }
        # by name: the generator's column list changes while its app is being built
        row = [base.get(col, default) for col, default in zip(self.columns, self.defaults, strict=True)]
        for col, value in values.items():
            row[self.pos[col]] = value
        return tuple(row)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        self.writer.write("appeals_appeal", self.columns, rows)

    def open(self, n: int) -> None:
        """n appeals held by a department: dispatched (to sign) or signed (to answer), reply deadline set."""
        rnd = self.rnd
        rows: list[tuple[Any, ...]] = []
        for _ in range(n):
            hours = min(60 * 24, rnd.expovariate(1 / (7 * 24)))
            dispatched_at = self.now - dt.timedelta(hours=hours)
            received = dispatched_at - dt.timedelta(minutes=rnd.randint(20, 600))
            category = rnd.choice(self.categories)
            slot = dispatched_at.replace(minute=0, second=0, microsecond=0)
            key = (category, slot)
            if key not in self.cache:
                sign_hours, reply_days = self.limits[category]
                self.cache[key] = (
                    self.deadlines.sign_deadline(slot, sign_hours, self.rules),
                    self.deadlines.reply_deadline(slot, reply_days, self.rules),
                )
            sign_deadline, reply_deadline = self.cache[key]
            state = "signed" if rnd.random() < 0.6 else "dispatched"
            rows.append(
                self._row(
                    state=state,
                    category=category,
                    received_at=received,
                    main_department_id=rnd.choice(self.dept_ids),
                    sign_deadline=sign_deadline if state == "dispatched" else None,
                    reply_deadline=reply_deadline,
                )
            )
            if len(rows) >= 20_000:
                self._write(rows)
                rows = []
        self._write(rows)

    def closed(self, n: int) -> None:
        """n finished appeals from the past ten years: concluded (96 %) or closed as invalid."""
        rnd = self.rnd
        rows: list[tuple[Any, ...]] = []
        for _ in range(n):
            received = self.now - dt.timedelta(minutes=rnd.randint(20 * 24 * 60, 10 * 365 * 24 * 60))
            invalid = rnd.random() < 0.04
            rows.append(
                self._row(
                    state="closed" if invalid else "concluded",
                    category=rnd.choice(self.categories),
                    received_at=received,
                    main_department_id=None if invalid else rnd.choice(self.dept_ids),
                    round=1,
                    concluded_at=received + dt.timedelta(hours=5 if invalid else rnd.randint(48, 400)),
                    invalid_reason="spam" if invalid else "",
                )
            )
            if len(rows) >= 20_000:
                self._write(rows)
                rows = []
        self._write(rows)


# --- the benchmark ----------------------------------------------------------------------------------------


def _people(dept_ids: list[int]) -> None:
    """A liaison and a head in every department, so the reminders and escalations have recipients."""
    users = []
    for pk in dept_ids:
        users.append(
            User(username=f"bench_sup_l{pk}", password="!", roles=r.ROLE_BITS[r.LIAISON], department_id=pk)
        )
        users.append(
            User(username=f"bench_sup_h{pk}", password="!", roles=r.ROLE_BITS[r.DEPT_HEAD], department_id=pk)
        )
    User.objects.bulk_create(users, ignore_conflicts=True)


def _timed_scan(today: dt.date) -> tuple[float, dict[str, int]]:
    from django.urls import reverse

    # load the URL configuration outside the timing, as a running worker has
    reverse("supervision:order_list")
    t0 = time.perf_counter()
    stats = services.reminder_scan(today=today, types=TYPES)
    return time.perf_counter() - t0, stats


def _explain_due_queries(today: dt.date) -> None:
    """Run the scan once more (it sends nothing now), catch its due-item SELECTs and print their plans."""
    with CaptureQueriesContext(connection) as queries:
        services.reminder_scan(today=today, types=TYPES)
    due = []
    for q in queries.captured_queries:
        sql = q["sql"] or ""
        if " FOR SELECT " in sql:  # PostgreSQL's iterator(): DECLARE "_django_curs_…" … FOR SELECT …
            sql = sql[sql.index(" FOR SELECT ") + 5 :]
        if (
            sql.lstrip().upper().startswith("SELECT")
            and ('FROM "ledger_task"' in sql or 'FROM "appeals_appeal"' in sql)
            and "deadline" in sql
        ):
            due.append(sql)
    if not due:
        log(
            "-- no due-item query caught: "
            + " | ".join((q["sql"] or "")[:120] for q in queries.captured_queries)
        )
    with connection.cursor() as cursor:
        for sql in due:
            log(f"-- due-item query: {sql}")
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            for line in cursor.fetchall():
                log("   " + " ".join(str(v) for v in line))


def reminder_scan(scale: str) -> Iterator[Line]:
    n = SCALES[scale]
    rnd = random.Random(20261001)
    today = timezone.localdate()
    while not is_workday(today):
        today -= dt.timedelta(days=1)
    tables = ("ledger_task", "appeals_appeal")
    with throwaway_database("supbench"):
        t0 = time.perf_counter()
        tasks = _make_tasks(scale, n["tasks"], today)
        dept_ids = list(
            Department.objects.filter(code__startswith="GEN-").order_by("code").values_list("pk", flat=True)
        )[: 150 if scale == "design" else 30]
        _people(dept_ids)
        log(f"ledger: {tasks} in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        appeals = _Appeals(dept_ids, rnd)
        appeals.open(n["appeals"])
        log(f"appeals: {n['appeals']} open in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        closed_tasks_1x = max(n["tasks"], tasks["closed"])
        _add_closed_tasks(tasks["prefix"], closed_tasks_1x - tasks["closed"], "a", today)
        appeals.closed(n["appeals"])
        appeals.writer.reset_sequences()
        vacuum_analyze(*tables)
        log(f"closed history 1x in {time.perf_counter() - t0:.1f}s")
        base = {
            "open_tasks": tasks["open"],
            "open_tasks_with_deadline": tasks["open_with_deadline"],
            "open_appeals": n["appeals"],
            "types": TYPES,
            "departments": len(dept_ids),
            "day": today.isoformat(),
            "db": connection.vendor,
        }

        with snapshot("h1") as history_1x:
            t0 = time.perf_counter()
            _add_closed_tasks(tasks["prefix"], 9 * closed_tasks_1x, "b", today)
            appeals.closed(9 * n["appeals"])
            vacuum_analyze(*tables)
            log(f"closed history to 10x in {time.perf_counter() - t0:.1f}s")
            history_10x = connection.settings_dict["NAME"]
            sizes = {
                "1x": {"closed_tasks": closed_tasks_1x, "closed_appeals": n["appeals"]},
                "10x": {"closed_tasks": 10 * closed_tasks_1x, "closed_appeals": 10 * n["appeals"]},
            }
            # Each scan runs on a fresh copy of its database, alternating 1x and 10x twice, and the faster of
            # each pair is reported: the machine's other load drifts over minutes, and this way both sizes
            # see the same drift.
            runs: dict[str, list[tuple[float, dict[str, int]]]] = {"1x": [], "10x": []}
            for round_ in (1, 2):
                for label, source in (("1x", history_1x), ("10x", history_10x)):
                    with switched_to(source), snapshot("run") as run, switched_to(run):
                        seconds, stats = _timed_scan(today)
                        runs[label].append((seconds, stats))
                        log(f"round {round_}, {label} closed history: {seconds:.2f}s {stats}")
                        if round_ == 1 and label == "1x":
                            rerun, again = _timed_scan(today)
                            assert again["sent"] == 0 and Reminder.objects.count() == stats["sent"], (
                                stats,
                                again,
                            )
                            yield line(
                                "supervision_reminder_scan_rerun",
                                "seconds",
                                round(rerun, 2),
                                {**base, **sizes[label], **again},
                            )
                        if round_ == 2 and label == "10x":
                            _explain_due_queries(today)
            best = {label: min(r[0] for r in results) for label, results in runs.items()}
            sent = {r[1]["sent"] for results in runs.values() for r in results}
            assert len(sent) == 1, runs  # the same reminders are owed whatever the history
            for label in ("1x", "10x"):
                scale_line = {
                    **base,
                    **sizes[label],
                    **runs[label][0][1],
                    "runs_seconds": [round(r[0], 2) for r in runs[label]],
                }
                yield line(
                    f"supervision_reminder_scan_{label}_closed", "seconds", round(best[label], 2), scale_line
                )
            yield line(
                "supervision_reminder_scan_10x_closed_delta",
                "ms",
                round((best["10x"] - best["1x"]) * 1000),
                {**base, "note": "best 10x run minus best 1x run"},
            )


BENCHMARKS = [reminder_scan]
