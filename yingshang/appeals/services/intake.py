"""Intake: checking an appeal's fields, registering it from any door (form, API, import), linking a repeat
to the appeal it repeats, and the API's idempotent retries."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.credit_code import credit_code_error
from yingshang.core.crypto import blind_index
from yingshang.core.errors import (
    ApplicationError,
    ValidationFailed,
)
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.validation import full_clean_or_refuse
from yingshang.org.models import Enterprise
from yingshang.org.roles import ENTERPRISE

from .. import hooks, similarity
from ..models import (
    Appeal,
    Category,
    Source,
    SourceSystem,
)

ATTACHMENT_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls"}
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PHONE_DIGITS = set("0123456789-")


class IdempotencyConflict(ApplicationError):
    code = "appeals.idempotency_key_reused"
    status = 409
    default_message = "该幂等键已用于内容不同的另一条诉求，请使用新的幂等键。"


def full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    # The first field's own message, not the generic one: an appeal's refusal is shown as one page message
    # on the public form and logged as one line by intake clients, so it has to name the problem.
    full_clean_or_refuse(obj, exclude=exclude, code="appeals.record_invalid", first_as_message=True)


def new_tracking_code(now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"YS{now:%y%m%d}" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def normalise_phone(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if ch in PHONE_DIGITS).replace("-", "")


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """Hash of a request body, keys sorted, so a retry of the same body compares equal."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def validate_intake(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an appeal's fields (from the form, the API or an import row); return them cleaned or raise
    ValidationFailed listing every problem at once."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    clean["enterprise_name"] = str(data.get("enterprise_name") or "").strip()
    if not clean["enterprise_name"]:
        errors["enterprise_name"] = ["请填写企业名称。"]
    code = str(data.get("credit_code") or "").strip().upper()
    if code:
        error = credit_code_error(code)
        if error:
            errors["credit_code"] = [error]
    elif data.get("require_credit_code", True):
        errors["credit_code"] = ["请填写统一社会信用代码。"]
    clean["credit_code"] = code
    clean["contact_name"] = str(data.get("contact_name") or "").strip()
    if not clean["contact_name"]:
        errors["contact_name"] = ["请填写联系人。"]
    phone = normalise_phone(str(data.get("contact_phone") or ""))
    if not (7 <= len(phone) <= 13):
        errors["contact_phone"] = ["请填写正确的联系电话（手机号或带区号的固定电话）。"]
    clean["contact_phone"] = phone
    category = str(data.get("category") or "")
    if category not in Category.values:
        errors["category"] = ["请选择诉求类型。"]
    clean["category"] = category
    clean["urgent"] = bool(data.get("urgent"))
    description = str(data.get("description") or "").strip()
    limit = int(get_setting("appeals.description_max"))
    if not description:
        errors["description"] = ["请填写诉求内容。"]
    elif len(description) > limit:
        errors["description"] = [f"诉求内容不能超过 {limit} 字（现为 {len(description)} 字）。"]
    clean["description"] = description
    title = str(data.get("title") or "").strip() or description.replace("\n", " ")[:30]
    if len(title) > 200:
        errors["title"] = ["标题不能超过 200 字。"]
    clean["title"] = title
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code="appeals.intake_invalid", fields=errors)
    return clean


def submitting_enterprise(actor: Any) -> Enterprise | None:
    """The enterprise that owns what `actor` submits: only a signed-in enterprise account's own. Every other
    door (the anonymous form, the API, the hotline import) only names the enterprise concerned."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(ENTERPRISE):
        return None
    return actor.enterprise


@transaction.atomic
def appeal_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    files: Sequence[Any] = (),
    source: str = Source.WEB,
    source_system: SourceSystem | None = None,
    external_id: str = "",
    idempotency_scope: str = "",
    idempotency_key: str = "",
    request_hash: str = "",
    received_at: datetime | None = None,
    index_now: bool = False,
) -> Appeal:
    """Register a new appeal (state 待派单) with its attachments; link it to an earlier one it repeats.

    The similarity index is fed once the transaction commits; callers that create many appeals in one
    transaction (the hotline import, the demo) pass `index_now=True` so that later rows of the same
    transaction are compared with the earlier ones (the index rows then roll back with them)."""
    owner = submitting_enterprise(actor)
    if owner is not None:
        # An enterprise account always submits as its own enterprise, whatever the form says.
        data = {**data, "credit_code": owner.credit_code, "enterprise_name": owner.name}
    clean = validate_intake(data)
    for uploaded in files:
        check_upload(uploaded, allowed=ATTACHMENT_TYPES)
    now = received_at or timezone.now()
    concerned: Enterprise | None
    if owner is not None:
        concerned = owner
    elif clean["credit_code"]:
        concerned = Enterprise.objects.filter(credit_code=clean["credit_code"]).first()
    else:
        concerned = None
    phone_hash = blind_index(clean["contact_phone"])
    duplicate = similarity.find_duplicate(
        concerned_enterprise_id=concerned.pk if concerned else None,
        credit_code=clean["credit_code"],
        phone_hash=phone_hash,
        text=f"{clean['title']}\n{clean['description']}",
        now=now,
    )
    appeal = Appeal(
        tracking_code=new_tracking_code(now),
        enterprise=owner,
        concerned_enterprise=concerned,
        enterprise_name=clean["enterprise_name"],
        credit_code=clean["credit_code"],
        contact_name=clean["contact_name"],
        contact_phone=clean["contact_phone"],
        phone_hash=phone_hash,
        phone_last4=clean["contact_phone"][-4:],
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        category=clean["category"],
        urgent=clean["urgent"],
        title=clean["title"],
        description=clean["description"],
        source=source,
        source_system=source_system,
        external_id=external_id,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        duplicate_of=duplicate,
        received_at=now,
        state=Appeal.State.SUBMITTED,
    )
    # Related rows were loaded just above; skip their existence queries (the database checks them anyway).
    full_clean(
        appeal,
        exclude=[
            "tracking_code",
            "idempotency_key",
            "idempotency_scope",
            "enterprise",
            "concerned_enterprise",
            "submitted_by",
            "source_system",
            "duplicate_of",
            "main_department",
        ],
    )
    appeal.save()
    for uploaded in files:
        attachment_add(actor=actor, obj=appeal, uploaded=uploaded, purpose="appeal", allowed=ATTACHMENT_TYPES)
    note = f"与诉求 {duplicate.tracking_code} 内容相似，已关联为重复诉求。" if duplicate else ""
    record_timeline(appeal, actor=actor, action="submit", label="提交诉求", to_state=appeal.state, note=note)
    audit_record(
        actor=actor,
        action="appeal.submit",
        obj=appeal,
        after={
            "tracking_code": appeal.tracking_code,
            "source": source,
            "category": appeal.category,
            "duplicate_of": duplicate.pk if duplicate else None,
        },
    )
    if index_now:
        similarity.appeal_index(appeal=appeal, new=True)
    else:
        similarity.appeal_indexed_on_commit(appeal, new=True)
    hooks.appeal_received(appeal)
    return appeal


def appeal_intake(
    *,
    actor: Any,
    payload: Mapping[str, Any],
    idempotency_key: str,
    source_system: SourceSystem | None = None,
) -> tuple[Appeal, bool]:
    """API intake. Returns (appeal, created). The same key with the same body returns the first appeal;
    the same key with another body is refused. Safe under concurrency: the unique constraint decides."""
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationFailed(
            "请在请求头 Idempotency-Key 中提供幂等键。",
            code="appeals.idempotency_key_missing",
            fields={"Idempotency-Key": ["必填。"]},
        )
    if len(key) > 128:
        raise ValidationFailed(
            "幂等键不能超过128个字符。",
            code="appeals.idempotency_key_too_long",
            fields={"Idempotency-Key": ["过长。"]},
        )
    scope = f"sys:{source_system.pk}" if source_system else f"user:{actor.pk}"
    fingerprint = request_fingerprint(payload)
    # Optimistic: most requests are new, so insert first and let the partial unique index on
    # (scope, key) recognise a retry (one query fewer per new appeal). appeal_submit is its own
    # transaction; a unique-key clash rolls it back whole, then the first appeal is returned.
    try:
        appeal = appeal_submit(
            actor=actor,
            data={**payload, "require_credit_code": True},
            source=Source.API,
            source_system=source_system,
            external_id=str(payload.get("external_id") or "")[:64],
            idempotency_scope=scope,
            idempotency_key=key,
            request_hash=fingerprint,
        )
    except IntegrityError:
        # A retry (or a concurrent request) with this key: same body → the first appeal, else 409.
        existing = _replay(scope, key, fingerprint)
        if existing is None:
            raise
        return existing, False
    except ValidationFailed:
        # A retry of an accepted request is answered with the first appeal even if its body would no
        # longer pass (limits changed since); another body under a used key is refused with 409.
        existing = _replay(scope, key, fingerprint)
        if existing is None:
            raise
        return existing, False
    return appeal, True


def _replay(scope: str, key: str, fingerprint: str) -> Appeal | None:
    # The `exclude` repeats the partial unique index's condition so SQLite (and PostgreSQL) can use it.
    existing = (
        Appeal.objects.filter(idempotency_scope=scope, idempotency_key=key)
        .exclude(idempotency_key="")
        .first()
    )
    if existing is not None and existing.request_hash != fingerprint:
        raise IdempotencyConflict()
    return existing
