"""What the writes of the assessment share: the office-only rule, checking a record, reading a number."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields
from yingshang.org import roles as r

EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd", ".zip"}


def clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(code="assessment.record_invalid", fields=validation_error_fields(exc)) from exc


def require_office(actor: Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(r.OFFICE)):
        raise PermissionRefused("只有营商办可以执行该操作。", code="assessment.office_only")


def decimal(value: Any, label: str, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            f"“{label}”应为数字。", code="assessment.not_a_number", fields={field: ["应为数字。"]}
        ) from exc
