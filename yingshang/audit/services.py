"""Writes of the audit app: sealing records into the hash chain, and chain verifications asked for by the
auditor. Audit records themselves are written only by `events.record`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yingshang.core.actors import Actor, account_of
from yingshang.core.errors import PermissionRefused

from . import events, witness
from .chain import ALGORITHMS, DEFAULT_ALGORITHM, FIELDS, GENESIS, Failure, VerifyResult, link, verify_chain
from .models import AuditRecord, AuditSeal, AuditVerification, DeniedAccessTally, WitnessIdentity
from .permissions import can_verify_audit_chain

# A record is sealed once it is this old, so a transaction that took a lower id but commits a little
# later than a higher one is still sealed in id order.
SEAL_DELAY_SECONDS: float = getattr(settings, "AUDIT_SEAL_DELAY_SECONDS", 5)
# A hole in the ids (a transaction still open, or one rolled back on PostgreSQL) holds sealing back
# until the record after the hole is this old; a transaction writing audit records for longer than
# this and committing afterwards shows up in verification as inserted out of order.
GAP_GRACE_SECONDS: float = getattr(settings, "AUDIT_SEAL_GAP_GRACE_SECONDS", 60)
# PostgreSQL advisory lock key for "one sealer at a time" ("YSAU").
SEALER_LOCK_KEY = 0x59534155


@dataclass(frozen=True)
class SealOutcome:
    sealed: int
    busy: bool = False


@contextmanager
def _sealer_lock() -> Iterator[bool]:
    """Only one sealer works at a time. PostgreSQL: a session advisory lock, tried without waiting (a
    second sealer just returns). SQLite: writes are serialised by the database (IMMEDIATE transactions),
    and each batch re-checks the chain tip inside its write transaction. On both, the unique constraints
    on `AuditSeal` refuse a fork whatever happens."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SEALER_LOCK_KEY])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SEALER_LOCK_KEY])


def _tip() -> tuple[int, int, str]:
    return AuditSeal.objects.order_by("-seq").values_list("seq", "record_id", "hash").first() or (
        0,
        0,
        GENESIS,
    )


def _sealable(
    rows: list[dict[str, Any]], *, after_id: int, now: datetime, delay: float, gap_grace: float
) -> list[dict[str, Any]]:
    """The leading run of `rows` (id order) that may be sealed now: old enough, and not beyond a hole in
    the ids that may still be filled by a transaction in flight."""
    ready_before = now - timedelta(seconds=delay)
    gap_ready_before = now - timedelta(seconds=gap_grace)
    taken: list[dict[str, Any]] = []
    previous = after_id
    for row in rows:
        if row["at"] > ready_before:
            break
        if previous and row["id"] != previous + 1 and row["at"] > gap_ready_before:
            break
        taken.append(row)
        previous = row["id"]
    return taken


def _seal_batch(
    *, now: datetime | None, delay: float, gap_grace: float, batch_size: int, algorithm: str
) -> int | None:
    """Seal the next run of records; the number sealed, or None when another sealer moved the tip."""
    seq, record_id, prev_hash = _tip()
    rows = list(AuditRecord.objects.filter(id__gt=record_id).order_by("id").values(*FIELDS)[:batch_size])
    rows = _sealable(rows, after_id=record_id, now=now or timezone.now(), delay=delay, gap_grace=gap_grace)
    if not rows:
        return 0
    sealed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    first_seq = seq + 1
    seals = []
    for row in rows:
        seq += 1
        digest = link(algorithm, prev_hash, row)
        seals.append((seq, row["id"], prev_hash, digest, algorithm, sealed_at))
        prev_hash = digest
    try:
        with transaction.atomic():
            if _tip()[0] != first_seq - 1:
                return None
            # A plain multi-row insert: the ORM's per-field preparation would cost more than the hashing.
            with connection.cursor() as cursor:
                cursor.executemany(_INSERT_SEAL, seals)
    except IntegrityError:
        return None
    return len(seals)


_INSERT_SEAL = "INSERT INTO {} ({}) VALUES (%s, %s, %s, %s, %s, %s)".format(
    connection.ops.quote_name(AuditSeal._meta.db_table),
    ", ".join(
        connection.ops.quote_name(column)
        for column in ("seq", "record_id", "prev_hash", "hash", "algorithm", "sealed_at")
    ),
)


def seal_pending(
    *,
    now: datetime | None = None,
    delay_seconds: float | None = None,
    gap_grace_seconds: float | None = None,
    batch_size: int = 1000,
    limit: int | None = None,
    algorithm: str | None = None,
) -> SealOutcome:
    """Chain every record old enough, in id order, in short batches (each its own transaction, so writers
    of new records wait at most one small insert). Safe to run from many places at once."""
    delay = SEAL_DELAY_SECONDS if delay_seconds is None else delay_seconds
    gap_grace = GAP_GRACE_SECONDS if gap_grace_seconds is None else gap_grace_seconds
    # Each seal names its algorithm, so a deployment may switch (say, to SHA-256 where only the slow
    # pure-Python SM3 is available) without breaking the chain already written.
    chosen = str(algorithm or getattr(settings, "AUDIT_HASH_ALGORITHM", None) or DEFAULT_ALGORITHM)
    if chosen not in ALGORITHMS:
        raise ImproperlyConfigured(f"AUDIT_HASH_ALGORITHM must be one of {ALGORITHMS}, not {chosen!r}")
    with _sealer_lock() as acquired:
        if not acquired:
            return SealOutcome(0, busy=True)
        _ensure_identity()
        total = races = 0
        busy = False
        while limit is None or total < limit:
            size = batch_size if limit is None else min(batch_size, limit - total)
            sealed = _seal_batch(now=now, delay=delay, gap_grace=gap_grace, batch_size=size, algorithm=chosen)
            if sealed is None:
                races += 1
                if races > 10:
                    busy = True
                    break
                continue
            if sealed == 0:
                break
            total += sealed
        if total:
            _witness_tip("seal")
        return SealOutcome(total, busy=busy)


def _current_identity() -> WitnessIdentity | None:
    return WitnessIdentity.objects.order_by("-id").first()


def _ensure_identity() -> None:
    if _current_identity() is not None:
        return
    # Another sealer may have started it a moment ago: one "new" start per database, by constraint.
    with suppress(IntegrityError):
        witness_start(reason=WitnessIdentity.Reason.NEW)


def _database_label() -> tuple[str, str]:
    return connection.vendor, str(connection.settings_dict.get("NAME") or "")


def _witness_tip(event: str, identity: WitnessIdentity | None = None) -> None:
    """Append the chain tip to the witness under this database's identity."""
    identity = identity or _current_identity()
    if identity is None:
        return
    seq, record_id, head = _tip()
    engine, name = _database_label()
    witness.append(
        witness.WitnessEntry(
            event=event,
            at=timezone.now().isoformat(timespec="microseconds"),
            database=identity.installation_id,
            engine=engine,
            name=name,
            sealed=seq,
            last_record_id=record_id or None,
            head=head,
        )
    )


def witness_start(*, reason: str, actor: Actor = None) -> WitnessIdentity:
    """Give this database a new identity for the witness and start its witness lines: at the first sealing
    of a new database, and after a restore (the restored copy must not be judged against the lines of the
    database it was copied from). The start is itself an audit record, naming the previous identity."""
    with transaction.atomic():
        previous = _current_identity()
        seq, _record_id, head = _tip()
        engine, name = _database_label()
        identity = WitnessIdentity(installation_id=uuid.uuid4().hex, started_at=timezone.now(), reason=reason)
        identity.full_clean()
        identity.save()
        previous_line = witness.latest_for(previous.installation_id) if previous else None
        detail = f"审计见证启用新的数据库身份（{identity.get_reason_display()}），此时已封存 {seq} 条记录"
        if previous_line is not None:
            detail += f"；此前身份 {previous_line.database} 的见证记到第 {previous_line.sealed} 条"
        events.record(
            actor=actor,
            action="audit.witness_start",
            obj=identity,
            before={
                "database": previous_line.database,
                "sealed": previous_line.sealed,
                "head": previous_line.head,
            }
            if previous_line
            else None,
            after={
                "database": identity.installation_id,
                "engine": engine,
                "name": name,
                "sealed": seq,
                "head": head,
            },
            detail=detail + "。",
        )
        # Written inside the transaction: should it roll back, the line names an identity no database has.
        _witness_tip("start", identity)
    return identity


def verify_with_witness() -> tuple[VerifyResult, str]:
    """Verify the chain, then hold its end against the witness's line for this database with the most
    sealed records: the database must still hold that many seals, the last of them with the witnessed
    head. Returns the result (its failure set on a mismatch) and a sentence about the witness."""
    result = verify_chain()
    if not result.ok:
        return result, ""
    identity = _current_identity()
    path = witness.witness_path()
    if identity is None:
        if result.last_seq == 0:
            return result, "尚无封存记录，见证尚未开始。"
        result.failure = Failure(
            "witness_missing",
            result.last_sealed_id,
            f"数据库中有 {result.last_seq} 条封存，却没有审计见证身份：见证身份记录被删除。",
        )
        return result, ""
    if identity.reason == WitnessIdentity.Reason.NEW:
        engine, name = _database_label()
        earlier = witness.latest_other_at(engine=engine, name=name, database=identity.installation_id)
        if earlier is not None:
            result.failure = Failure(
                "witness_replaced",
                result.last_sealed_id,
                f"见证显示本数据库（{engine} {name}）此前以身份 {earlier.database} 见证到第 {earlier.sealed} "
                "条封存，现在的数据库却以全新身份重新开始，且不是自备份恢复：审计表连同见证身份被清空。"
                "如确为重新安装，请为新数据库另设见证文件。",
            )
            return result, ""
    lines = witness.lines_for(identity.installation_id)
    line = witness.furthest(lines)
    if line is None:
        result.failure = Failure(
            "witness_missing",
            result.last_sealed_id,
            f"见证文件 {path} 中没有本数据库（身份 {identity.installation_id}）的任何记录："
            "见证文件被删改或替换，或见证位置配置有误。",
        )
        return result, ""
    if line.sealed > result.last_seq:
        result.failure = Failure(
            "witness_gap",
            line.last_record_id,
            f"与见证不符：见证记载本数据库于 {_local(line.at)} 已封存 {line.sealed} 条记录（最后为记录 "
            f"#{line.last_record_id}，链头 {line.head}），数据库中现只有 {result.last_seq} 条封存——"
            f"最新的 {line.sealed - result.last_seq} 条审计记录连同封存被删除。",
        )
        return result, ""
    # Every witnessed head must still be in the chain: deleting records and letting new ones be sealed in
    # their place brings the count back, not the hashes.
    heads = _seal_hashes(sorted({entry.sealed for entry in lines if entry.sealed}))
    for entry in sorted(lines, key=lambda entry: entry.sealed):
        if entry.sealed and heads.get(entry.sealed) != entry.head:
            result.failure = Failure(
                "witness_mismatch",
                entry.last_record_id,
                f"与见证不符：第 {entry.sealed} 条封存的哈希与 {_local(entry.at)} 的见证记载不同——"
                "其后的记录在见证之后被删除或替换，封存链被重新计算。",
            )
            return result, ""
    return result, f"与见证一致：见证记到第 {line.sealed} 条封存（{_local(line.at)}，见证文件 {path}）。"


def _local(iso: str) -> str:
    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S")


def _seal_hashes(positions: list[int], chunk: int = 1000) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(positions), chunk):
        found.update(
            AuditSeal.objects.filter(seq__in=positions[start : start + chunk]).values_list("seq", "hash")
        )
    return found


def verification_request(*, actor: Actor) -> AuditVerification:
    """Queue a verification of the whole chain; the job fills in the result."""
    if not can_verify_audit_chain(actor):
        raise PermissionRefused("只有审计管理员可以校验审计链。", code="audit.verify_forbidden")
    from .jobs import run_verification

    with transaction.atomic():
        verification = AuditVerification(requested_by=account_of(actor), requested_at=timezone.now())
        verification.full_clean()
        verification.save()
        events.record(actor=actor, action="audit.verify_request", obj=verification)
        transaction.on_commit(lambda: run_verification.enqueue(verification_id=verification.pk))
    return verification


def verification_run(*, verification_id: int) -> AuditVerification:
    """Seal what is due, verify the chain, store the finding. Safe to run twice: a finished verification
    is left as it is."""
    verification = AuditVerification.objects.select_related("requested_by").get(pk=verification_id)
    if verification.status in {AuditVerification.Status.PASSED, AuditVerification.Status.FAILED}:
        return verification
    verification.status = AuditVerification.Status.RUNNING
    verification.save(update_fields=["status"])
    seal_pending()
    result, witness_note = verify_with_witness()
    verification.status = AuditVerification.Status.PASSED if result.ok else AuditVerification.Status.FAILED
    verification.finished_at = timezone.now()
    verification.checked = result.checked
    verification.last_sealed_id = result.last_sealed_id
    verification.unsealed = result.unsealed
    verification.failure_record_id = result.failure.record_id if result.failure else None
    verification.message = (
        result.failure.message
        if result.failure
        else f"审计链完整：已校验 {result.checked} 条记录；{witness_note}"
    )
    with transaction.atomic():
        verification.save(
            update_fields=[
                "status",
                "finished_at",
                "checked",
                "last_sealed_id",
                "unsealed",
                "failure_record_id",
                "message",
            ]
        )
        events.record(
            actor=verification.requested_by,
            action="audit.verify",
            obj=verification,
            after=result.as_dict(),
            detail=verification.message,
        )
    return verification


DENIED_ACCESS_ACTION = "auth.access_denied"
# A refusal counted just as its minute ends may land a moment after the flusher looked: windows are
# flushed once they have been closed this long.
DENIED_FLUSH_GRACE_SECONDS = 5
DENIED_STATUS_LABELS = {403: "无权限（403）", 404: "不存在或不在权限范围内（404）"}

_tally_table = connection.ops.quote_name(DeniedAccessTally._meta.db_table)
_tally_columns = (
    "window_start",
    "subject",
    "user_id",
    "username",
    "ip",
    "pattern",
    "status",
    "refusals",
    "first_at",
    "last_at",
)
# One statement per refusal, atomic on SQLite and PostgreSQL alike: concurrent refusals from any number
# of processes add up in the same row.
_COUNT_REFUSAL = (
    "INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s, %s) "
    "ON CONFLICT (window_start, subject, pattern, status) DO UPDATE SET "
    "refusals = {table}.refusals + 1, "
    "last_at = CASE WHEN excluded.last_at > {table}.last_at THEN excluded.last_at ELSE {table}.last_at END"
).format(table=_tally_table, columns=", ".join(connection.ops.quote_name(c) for c in _tally_columns))


def denied_access_count(
    *, user_id: int | None, username: str, ip: str, pattern: str, status: int, at: datetime | None = None
) -> None:
    """Count one refusal of an account (or, anonymous, an address) on a URL pattern in its minute."""
    at = at or timezone.now()
    window_start = at.replace(second=0, microsecond=0)
    subject = f"user:{user_id}" if user_id else f"ip:{ip}"
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNT_REFUSAL,
            [
                adapt(window_start),
                subject,
                user_id,
                username[:150],
                ip[:45],
                pattern[:200],
                status,
                adapt(at),
                adapt(at),
            ],
        )


def denied_access_flush(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Turn every closed minute of refusals into one audit record with its count, and drop the counter.
    Deleting the counter first, in the record's transaction, makes two flushers write each window once."""
    from yingshang.org.models import User

    cutoff = (now or timezone.now()) - timedelta(seconds=60 + DENIED_FLUSH_GRACE_SECONDS)
    written = 0
    while True:
        closed = list(
            DeniedAccessTally.objects.filter(window_start__lte=cutoff).order_by("window_start", "id")[
                :batch_size
            ]
        )
        if not closed:
            return written
        users = User.objects.select_related("department").in_bulk({t.user_id for t in closed if t.user_id})
        for tally in closed:
            with transaction.atomic():
                taken, _ = DeniedAccessTally.objects.filter(pk=tally.pk).delete()
                if not taken:
                    continue
                _record_denied_access(tally, users.get(tally.user_id) if tally.user_id else None)
                written += 1


def _record_denied_access(tally: DeniedAccessTally, user: Any) -> None:
    window = timezone.localtime(tally.window_start)
    status = DENIED_STATUS_LABELS.get(tally.status, str(tally.status))
    events.record(
        actor=user,
        username=tally.username,
        ip=tally.ip,
        action=DENIED_ACCESS_ACTION,
        object_type="url_pattern",
        object_id=tally.pattern[:64],
        after={
            "pattern": tally.pattern,
            "status": tally.status,
            "count": tally.refusals,
            "window_start": tally.window_start.isoformat(),
            "first_at": tally.first_at.isoformat(),
            "last_at": tally.last_at.isoformat(),
        },
        detail=f"{window:%Y-%m-%d %H:%M} 起一分钟内被拒绝访问 {tally.refusals} 次，{status}：{tally.pattern}",
    )
