"""The audit hash chain: canonical form of a record, the hash functions, and verification.

Each seal says: hash = H(prev_hash || canonical(record)). Seals live in their own append-only table
(`AuditSeal`), in record-id order, and are never written back onto the records, so writing an audit
record never waits for the chain. Verification walks seals and records side by side and names the
first record that was altered, deleted, or inserted behind the seal frontier.

Limits, by design: a record changed in the few seconds before it is sealed cannot be told from honest
history by the chain alone, nor can a rewrite of records and seals together by someone holding database
rights (trigger off, chain recomputed, or the newest records deleted with their seals). For those the
chain head and count are kept outside the database at each sealing (`witness`), and `verify_audit`
compares the two. Retention: nothing in the code deletes audit records; the office setting
`audit_retention_days` (at least 180) is what archiving (oldest first) must respect."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from .models import AuditRecord, AuditSeal

GENESIS = "0" * 64
# SM3 (GB/T 32905) is the national standard hash; every chain written by this code uses it.
# SHA-256 is accepted when verifying, should a chain ever be written with it.
DEFAULT_ALGORITHM = "sm3"
ALGORITHMS = ("sm3", "sha256")
# Every column of a record, in a fixed list: adding a column to AuditRecord must add it here too
# (a test compares this list with the model).
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "actor_roles",
    "actor_department",
    "ip",
    "user_agent",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "detail",
)


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


OPENSSL_SM3 = _openssl_has_sm3()


def _sm3_pure(data: bytes) -> str:
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))


def digest(algorithm: str, data: bytes, *, use_openssl: bool | None = None) -> str:
    """Hex digest of `data`. SM3 comes from OpenSSL when it offers it, else from pure-Python gmssl,
    so a chain sealed on one host verifies on any other."""
    if algorithm == "sm3":
        if OPENSSL_SM3 if use_openssl is None else use_openssl:
            return hashlib.new("sm3", data).hexdigest()
        return _sm3_pure(data)
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def sm3_source() -> str:
    return "OpenSSL" if OPENSSL_SM3 else "gmssl（纯Python）"


def canonical(values: dict[str, Any]) -> bytes:
    """Stable JSON of every field of a record as read back from the database: keys sorted, no spaces,
    UTF-8, the time in UTC with microseconds."""
    data = {name: values[name] for name in FIELDS}
    data["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def link(algorithm: str, prev_hash: str, values: dict[str, Any], *, use_openssl: bool | None = None) -> str:
    return digest(algorithm, bytes.fromhex(prev_hash) + canonical(values), use_openssl=use_openssl)


@dataclass(frozen=True)
class Failure:
    kind: str  # altered | deleted | out_of_order | seal_broken | witness_gap | witness_mismatch | ...
    record_id: int | None
    message: str


@dataclass
class VerifyResult:
    checked: int = 0
    last_sealed_id: int | None = None
    last_seq: int = 0
    head_hash: str = GENESIS
    algorithms: set[str] = field(default_factory=set)
    unsealed: int = 0
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "last_sealed_id": self.last_sealed_id,
            "last_seq": self.last_seq,
            "head_hash": self.head_hash,
            "algorithms": sorted(self.algorithms),
            "unsealed": self.unsealed,
            "failure": None
            if self.failure is None
            else {
                "kind": self.failure.kind,
                "record_id": self.failure.record_id,
                "message": self.failure.message,
            },
        }


def _seal_batches(batch_size: int) -> Iterator[list[tuple[int, int, str, str, str]]]:
    last_seq = 0
    while True:
        batch = list(
            AuditSeal.objects.filter(seq__gt=last_seq)
            .order_by("seq")
            .values_list("seq", "record_id", "prev_hash", "hash", "algorithm")[:batch_size]
        )
        if not batch:
            return
        yield batch
        last_seq = batch[-1][0]


def verify_chain(*, batch_size: int = 5000, use_openssl: bool | None = None) -> VerifyResult:
    """Walk the whole chain and stop at the first fault, naming its record. Records newer than the
    last seal are the unsealed tail: counted, not judged (the sealer reaches them within seconds)."""
    result = VerifyResult()
    prev_hash = GENESIS
    prev_record_id = 0
    expected_seq = 1
    for batch in _seal_batches(batch_size):
        low, high = prev_record_id, batch[-1][1]
        records = list(AuditRecord.objects.filter(id__gt=low, id__lte=high).order_by("id").values(*FIELDS))
        # Each seal either matches the next record or ends the walk, so seal i pairs with record i.
        for i, (seq, record_id, seal_prev, seal_hash, algorithm) in enumerate(batch):
            if seq != expected_seq:
                result.failure = Failure(
                    "seal_broken",
                    record_id,
                    f"封存序号 {expected_seq} 缺失：记录 #{prev_record_id} 之后、#{record_id} 之前的记录连同封存被删除。",
                )
                return result
            if seal_prev != prev_hash or record_id <= prev_record_id or algorithm not in ALGORITHMS:
                result.failure = Failure(
                    "seal_broken", record_id, f"记录 #{record_id} 的封存与前一封存衔接不上，封存表被改动。"
                )
                return result
            # Seals go up strictly by record id, so a record met before this seal's record has none.
            if i < len(records) and records[i]["id"] < record_id:
                stray = records[i]["id"]
                result.failure = Failure(
                    "out_of_order",
                    stray,
                    f"记录 #{stray} 位于已封存范围内却没有封存：它是在后续记录封存之后才插入（乱序插入）的。",
                )
                return result
            if i >= len(records) or records[i]["id"] != record_id:
                result.failure = Failure("deleted", record_id, f"记录 #{record_id} 已被删除（封存仍在）。")
                return result
            if link(algorithm, prev_hash, records[i], use_openssl=use_openssl) != seal_hash:
                result.failure = Failure(
                    "altered", record_id, f"记录 #{record_id} 的内容已被改动，与封存时的哈希不符。"
                )
                return result
            result.checked += 1
            result.algorithms.add(algorithm)
            prev_hash, prev_record_id, expected_seq = seal_hash, record_id, seq + 1
    result.last_seq = expected_seq - 1
    result.head_hash = prev_hash
    result.last_sealed_id = prev_record_id or None
    result.unsealed = AuditRecord.objects.filter(id__gt=prev_record_id).count()
    return result
