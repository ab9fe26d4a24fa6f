"""Reads of the audit app, already restricted to who may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from .chain import DEFAULT_ALGORITHM, FIELDS, link, sm3_source
from .labels import actions_matching
from .models import AuditRecord, AuditSeal, AuditVerification
from .permissions import can_view_audit_log
from .services import DENIED_ACCESS_ACTION

# Kinds of record the auditor looks for often, each one action (so one index range).
CATEGORY_ACTIONS = {"access_denied": DENIED_ACCESS_ACTION}
CATEGORY_LABELS = {"access_denied": "越权访问/拒绝访问"}


def audit_records(
    user: Any,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    account: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    ip: str = "",
    category: str = "",
) -> QuerySet[AuditRecord]:
    """Records matching the filters, newest first; nothing for anyone but the auditor. Each filter has an
    index ending in the time column, so "newest first" reads the index backwards instead of sorting or
    walking the whole table (ordering by id would, for an old time range, scan every newer record).
    An action is searched by its Chinese label or part of it, or by its code; a code ending in "." matches the
    whole family (e.g. "auth."), at the price of a wider scan."""
    if not can_view_audit_log(user):
        return AuditRecord.objects.none()
    qs = AuditRecord.objects.order_by("-at", "-id")
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    if account:
        qs = qs.filter(actor_username=account)
    if action:
        if action.endswith("."):
            qs = qs.filter(action__startswith=action)
        else:  # a code, or words of the Chinese label ("登录" finds every sign-in action)
            qs = qs.filter(action__in=actions_matching(action) or [action])
    if category:
        qs = qs.filter(action=CATEGORY_ACTIONS[category])
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if ip:
        qs = qs.filter(ip=ip)
    return qs


def audit_record_detail(user: Any, pk: int) -> tuple[AuditRecord, AuditSeal | None, bool | None] | None:
    """(record, its seal, whether the record still matches its seal) — None when not visible."""
    if not can_view_audit_log(user):
        return None
    record = AuditRecord.objects.filter(pk=pk).first()
    if record is None:
        return None
    seal = AuditSeal.objects.filter(record_id=pk).first()
    intact = None
    if seal is not None:
        values = AuditRecord.objects.filter(pk=pk).values(*FIELDS).get()
        intact = link(seal.algorithm, seal.prev_hash, values) == seal.hash
    return record, seal, intact


@dataclass(frozen=True)
class ChainStatus:
    sealed: int
    last_sealed_id: int | None
    last_sealed_at: datetime | None
    unsealed: int
    algorithm: str
    sm3_source: str


def chain_status() -> ChainStatus:
    """Where the chain stands: two indexed look-ups (the tip seal, and the records after it)."""
    tip = AuditSeal.objects.order_by("-seq").values("seq", "record_id", "sealed_at", "algorithm").first()
    after = tip["record_id"] if tip else 0
    return ChainStatus(
        sealed=tip["seq"] if tip else 0,
        last_sealed_id=tip["record_id"] if tip else None,
        last_sealed_at=tip["sealed_at"] if tip else None,
        unsealed=AuditRecord.objects.filter(id__gt=after).count(),
        algorithm=tip["algorithm"] if tip else DEFAULT_ALGORITHM,
        sm3_source=sm3_source(),
    )


def latest_verifications(user: Any, limit: int = 5) -> list[AuditVerification]:
    if not can_view_audit_log(user):
        return []
    return list(AuditVerification.objects.select_related("requested_by").order_by("-id")[:limit])
