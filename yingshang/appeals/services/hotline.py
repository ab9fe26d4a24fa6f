"""The 12345 hotline import: mapped rows checked all first, then registered in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed

from ..models import (
    Appeal,
    Category,
    Source,
    SourceSystem,
)
from ..permissions import can_import_appeals
from .intake import appeal_submit, validate_intake

# --- hotline import ----------------------------------------------------------------------------------

CATEGORY_BY_LABEL = {label: value for value, label in Category.choices}


def _parse_received(raw: str) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d",
        "%Y/%m/%d",
    ):
        try:
            return timezone.make_aware(datetime.strptime(raw, fmt))
        except ValueError:
            continue
    return None


def appeals_import(
    *, actor: Any, rows: Sequence[Mapping[str, str]], source_system: SourceSystem | None = None
) -> list[Appeal]:
    """Import mapped hotline rows: every row is checked first; one bad row and nothing is imported."""
    if not can_import_appeals(actor):
        raise PermissionRefused("只有营商办可以导入热线工单。", code="appeals.import_office_only")
    scope = f"import:{source_system.pk if source_system else 'office'}"
    errors: dict[str, list[str]] = {}
    prepared = []
    seen: set[str] = set()
    existing = set(
        Appeal.objects.filter(
            idempotency_scope=scope, idempotency_key__in=[str(r.get("external_id", "")).strip() for r in rows]
        ).values_list("idempotency_key", flat=True)
    )
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        external_id = str(row.get("external_id") or "").strip()
        if not external_id:
            problems.append("缺少工单编号。")
        elif external_id in seen:
            problems.append(f"工单编号 {external_id} 在文件中重复。")
        elif external_id in existing:
            problems.append(f"工单编号 {external_id} 已导入过。")
        seen.add(external_id)
        category = row.get("category", "").strip()
        data = {**row, "category": CATEGORY_BY_LABEL.get(category, category), "require_credit_code": False}
        received = _parse_received(row.get("received_at", ""))
        if row.get("received_at", "").strip() and received is None:
            problems.append("受理时间格式应为 2026-09-30 15:00。")
        try:
            validate_intake(data)
        except ValidationFailed as exc:
            problems.extend(m for messages in exc.fields.values() for m in messages)
        if problems:
            errors[f"第{number}行"] = problems
        prepared.append((external_id, data, received))
    if errors:
        raise ValidationFailed(
            f"共有 {len(errors)} 行有误，未导入任何数据，请修改后重新上传。",
            code="appeals.import_rows_invalid",
            fields=errors,
        )
    with transaction.atomic():
        created = [
            appeal_submit(
                actor=actor,
                data=data,
                source=Source.HOTLINE,
                source_system=source_system,
                external_id=external_id[:64],
                idempotency_scope=scope,
                idempotency_key=external_id[:128],
                received_at=received,
                index_now=True,
            )
            for external_id, data, received in prepared
        ]
        audit_record(actor=actor, action="appeal.import", after={"rows": len(created), "scope": scope})
    return created
