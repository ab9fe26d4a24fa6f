"""Bulk data for benchmarks: `generate_appeals --scale small|design` (design: 2,000,000 appeals over two
years with their dispatches, replies and follow-ups). On PostgreSQL rows go in with COPY; elsewhere with
executemany. Deadlines come from the same functions as the services, with the rules read once."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.common import bench_account
from bench.db import vacuum_analyze
from yingshang.appeals import deadlines
from yingshang.appeals.models import Appeal, Dispatch, FollowUp, Reply
from yingshang.appeals.office_settings import CATEGORY_LIMITS
from yingshang.core.crypto import blind_index, encrypt
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.org.models import Department

SCALES = {"small": 20_000, "design": 2_000_000}
BATCH = 20_000
WORDS = [
    "施工许可",
    "营业执照",
    "社保参保",
    "留抵退税",
    "用电报装",
    "用水报装",
    "不动产登记",
    "环评审批",
    "消防验收",
    "工程款",
    "稳岗返还",
    "发票领用",
    "招牌设置",
    "渣土运输",
    "停电",
    "人才补贴",
    "高企认定",
    "排污许可",
]
STATE_WEIGHTS_OLD = [
    ("concluded", 90),
    ("closed", 4),
    ("replied", 2),
    ("signed", 2),
    ("dispatched", 1),
    ("returned", 1),
]
STATE_WEIGHTS_NEW = [
    ("submitted", 10),
    ("dispatched", 20),
    ("signed", 30),
    ("returned", 5),
    ("replied", 15),
    ("concluded", 18),
    ("closed", 2),
]


def _choices(weights):
    states, w = zip(*weights, strict=True)
    return list(states), list(w)


def generate(
    total: int, *, years: float = 2.0, seed: int = 20260930, log: Callable[[str], None] = print
) -> None:
    """`total` appeals received over the last `years` years, with their dispatches, replies and follow-ups."""
    rng = random.Random(seed)
    started = time.monotonic()
    departments = _departments()
    actor = _actor()
    rules = deadlines.Rules.in_force().resolved()
    limits = {c: deadlines.limits_for(c, False) for c in CATEGORY_LIMITS}
    # A pool of contacts: encryption is the costly part, and contacts repeat in real data anyway.
    phones = []
    for _ in range(min(50_000, total)):
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        phones.append((encrypt(phone), blind_index(phone), phone[-4:]))
    now = timezone.now()
    span = timedelta(days=365 * years)
    old_states, old_w = _choices(STATE_WEIGHTS_OLD)
    new_states, new_w = _choices(STATE_WEIGHTS_NEW)
    ids = {
        model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for model in (Appeal, Dispatch, Reply, FollowUp)
    }
    writer = Writer()
    made = 0
    deadline_cache: dict[tuple[Any, ...], tuple[Any, Any]] = {}
    while made < total:
        size = min(BATCH, total - made)
        appeals, dispatches, replies, followups = [], [], [], []
        for _ in range(size):
            made += 1
            ids[Appeal] += 1
            appeal_id = ids[Appeal]
            received = now - span * (1 - made / total) - timedelta(minutes=rng.randint(0, 600))
            age = now - received
            states, weights = (old_states, old_w) if age > timedelta(days=20) else (new_states, new_w)
            state = rng.choices(states, weights)[0]
            category = rng.choice(list(CATEGORY_LIMITS))
            department = rng.choice(departments)
            cipher, phone_hash, last4 = rng.choice(phones)
            word = rng.choice(WORDS)
            dispatched = state != "submitted" and not (state == "closed" and rng.random() < 0.5)
            dispatched_at = received + timedelta(minutes=rng.randint(20, 600))
            sign_deadline = reply_deadline = None
            sign_provisional = reply_provisional = False
            if dispatched:
                # Deadlines per (category, hour slot): the calendar is exact to the hour here.
                slot = dispatched_at.replace(minute=0, second=0, microsecond=0)
                key = (category, slot)
                if key not in deadline_cache:
                    hours, days = limits[category]
                    deadline_cache[key] = (
                        deadlines.sign_due(slot, hours, rules),
                        deadlines.reply_due(slot, days, rules),
                    )
                sign_due, reply_due = deadline_cache[key]
                sign_deadline, reply_deadline = sign_due.at, reply_due.at
                sign_provisional, reply_provisional = sign_due.provisional, reply_due.provisional
            signed_at, replied_at, concluded_at = _handling_times(
                rng, state, dispatched, received, dispatched_at
            )
            appeals.append(
                (
                    appeal_id,
                    state,
                    1 if state != "submitted" else 0,
                    f"G{appeal_id:012d}",
                    f"示例{word}企业{appeal_id % 5000}有限公司",
                    "",
                    "联系人",
                    cipher,
                    phone_hash,
                    last4,
                    category,
                    False,
                    f"关于{word}的诉求",
                    f"我公司反映{word}相关问题，请协调解决。编号{appeal_id}",
                    "api",
                    "",
                    "",
                    "",
                    "",
                    received,
                    department if dispatched or state == "returned" else None,
                    1 if dispatched else 0,
                    0,
                    sign_deadline if state == "dispatched" else None,
                    reply_deadline if state in {"dispatched", "signed"} else None,
                    state == "dispatched" and sign_provisional,
                    state in {"dispatched", "signed"} and reply_provisional,
                    concluded_at,
                    "spam" if state == "closed" else "",
                    "",
                    now,
                )
            )
            if not dispatched:
                continue
            ids[Dispatch] += 1
            dispatch_id = ids[Dispatch]
            dispatches.append(
                (
                    dispatch_id,
                    appeal_id,
                    department,
                    1,
                    "main",
                    dispatched_at,
                    "",
                    sign_deadline,
                    reply_deadline,
                    signed_at,
                    dispatched_at + timedelta(hours=1) if state == "returned" else None,
                    "function" if state == "returned" else "",
                    "",
                    replied_at,
                    state not in {"returned", "closed"},
                    state != "closed",
                )
            )
            if replied_at is None:
                continue
            ids[Reply] += 1
            reply_id = ids[Reply]
            replies.append(
                (
                    reply_id,
                    appeal_id,
                    dispatch_id,
                    department,
                    1,
                    "已办理。",
                    actor,
                    replied_at,
                    replied_at <= reply_deadline,  # type: ignore[operator]
                )
            )
            if state == "concluded":
                ids[FollowUp] += 1
                roll = rng.random()
                satisfaction = "satisfied" if roll < 0.72 else "basic" if roll < 0.9 else "unsatisfied"
                followups.append(
                    (
                        ids[FollowUp],
                        appeal_id,
                        reply_id,
                        department,
                        1,
                        satisfaction,
                        satisfaction != "unsatisfied" and rng.random() < 0.93,
                        "",
                        actor,
                        concluded_at,
                        rng.random() < 0.01,
                        "",
                        True,
                    )
                )
        with transaction.atomic():
            writer.write("appeals_appeal", APPEAL_COLUMNS, appeals)
            writer.write("appeals_dispatch", DISPATCH_COLUMNS, dispatches)
            writer.write("appeals_reply", REPLY_COLUMNS, replies)
            writer.write("appeals_followup", FOLLOWUP_COLUMNS, followups)
        log(f"{made}/{total} ({time.monotonic() - started:.0f} s)")
    writer.reset_sequences()
    # VACUUM sets the visibility map, so counts on the list's indexes are index-only scans.
    vacuum_analyze("appeals_appeal", "appeals_dispatch", "appeals_reply", "appeals_followup")


def _handling_times(
    rng: random.Random, state: str, dispatched: bool, received: datetime, dispatched_at: datetime
) -> tuple[datetime | None, datetime | None, datetime | None]:
    """When an appeal in `state` was signed, replied to and concluded (None: not yet)."""
    signed_at = replied_at = concluded_at = None
    if state in {"signed", "replied", "concluded"} or (state == "closed" and dispatched):
        signed_at = dispatched_at + timedelta(hours=rng.choice([0.3, 1, 2, 3, 5, 30]))
    if signed_at is not None and state in {"replied", "concluded"}:
        replied_at = signed_at + timedelta(hours=rng.choice([20, 40, 70, 100, 300]))
    if replied_at is not None and state == "concluded":
        concluded_at = replied_at + timedelta(hours=rng.choice([24, 48]))
    elif state == "closed":
        concluded_at = received + timedelta(hours=5)
    return signed_at, replied_at, concluded_at


def _departments() -> list[int]:
    ids = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    for n in range(len(ids), 40):
        ids.append(
            org_services.department_create(
                actor=None,
                code=f"GEN{n:03d}",
                name=f"示例市压测单位{n:03d}",
                short_name="",
                aliases=[],
                kind="city",
                parent=None,
            ).pk
        )
    return ids


def _actor() -> int:
    return bench_account("gen_appeals", "压测数据", {r.OFFICE}).pk


APPEAL_COLUMNS = [
    "id",
    "state",
    "version",
    "tracking_code",
    "enterprise_name",
    "credit_code",
    "contact_name",
    "contact_phone",
    "phone_hash",
    "phone_last4",
    "category",
    "urgent",
    "title",
    "description",
    "source",
    "external_id",
    "idempotency_scope",
    "idempotency_key",
    "request_hash",
    "received_at",
    "main_department_id",
    "round",
    "reopen_count",
    "sign_deadline",
    "reply_deadline",
    "sign_deadline_provisional",
    "reply_deadline_provisional",
    "concluded_at",
    "invalid_reason",
    "invalid_note",
    "updated_at",
]
DISPATCH_COLUMNS = [
    "id",
    "appeal_id",
    "department_id",
    "round",
    "role",
    "dispatched_at",
    "instruction",
    "sign_deadline",
    "reply_deadline",
    "signed_at",
    "returned_at",
    "return_reason",
    "return_note",
    "replied_at",
    "is_current",
    "counted",
]
REPLY_COLUMNS = [
    "id",
    "appeal_id",
    "dispatch_id",
    "department_id",
    "round",
    "content",
    "replied_by_id",
    "replied_at",
    "on_time",
]
FOLLOWUP_COLUMNS = [
    "id",
    "appeal_id",
    "reply_id",
    "department_id",
    "round",
    "satisfaction",
    "solved",
    "note",
    "recorded_by_id",
    "recorded_at",
    "unreasonable",
    "unreasonable_reason",
    "counted",
]


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany elsewhere; `reset_sequences` after direct ids."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        self.tables.add(table)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        prepared = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", prepared)

    def reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
