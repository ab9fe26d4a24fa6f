"""Writes of the audit app: sealing records into the hash chain, and chain verifications asked for by the
auditor. Audit records themselves are written only by `events.record`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yingshang.core.errors import PermissionRefused

from . import events
from .chain import ALGORITHMS, DEFAULT_ALGORITHM, FIELDS, GENESIS, link, verify_chain
from .models import AuditRecord, AuditSeal, AuditVerification
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
        total = races = 0
        while limit is None or total < limit:
            size = batch_size if limit is None else min(batch_size, limit - total)
            sealed = _seal_batch(now=now, delay=delay, gap_grace=gap_grace, batch_size=size, algorithm=chosen)
            if sealed is None:
                races += 1
                if races > 10:
                    return SealOutcome(total, busy=True)
                continue
            if sealed == 0:
                break
            total += sealed
        return SealOutcome(total)


def verification_request(*, actor: Any) -> AuditVerification:
    """Queue a verification of the whole chain; the job fills in the result."""
    if not can_verify_audit_chain(actor):
        raise PermissionRefused("只有审计管理员可以校验审计链。")
    from .jobs import run_verification

    with transaction.atomic():
        verification = AuditVerification(requested_by=actor, requested_at=timezone.now())
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
    result = verify_chain()
    verification.status = AuditVerification.Status.PASSED if result.ok else AuditVerification.Status.FAILED
    verification.finished_at = timezone.now()
    verification.checked = result.checked
    verification.last_sealed_id = result.last_sealed_id
    verification.unsealed = result.unsealed
    verification.failure_record_id = result.failure.record_id if result.failure else None
    verification.message = (
        result.failure.message if result.failure else f"审计链完整：已校验 {result.checked} 条记录。"
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
