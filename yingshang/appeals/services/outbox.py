"""回传: status pushes to the source systems, queued in the outbox in the write's transaction and sent by a
job after commit, retried with back-off."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone

from yingshang.core.office_settings import get_setting

from ..jobs import deliver_webhook, schedule_retry
from ..models import (
    Appeal,
    WebhookDelivery,
)

# --- 回传 outbox -------------------------------------------------------------------------------------


def status_payload(appeal: Appeal, event: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "external_id": appeal.external_id,
        "tracking_code": appeal.tracking_code,
        "event": event,
        "state": appeal.state,
        "state_label": Appeal.State(appeal.state).label,
        "version": appeal.version,
        "department": str(appeal.main_department) if appeal.main_department_id else None,
        "at": timezone.now().isoformat(),
        **(extra or {}),
    }


def push_status(appeal: Appeal, event: str, extra: Mapping[str, Any] | None = None) -> WebhookDelivery | None:
    if not appeal.source_system_id:
        return None
    system = appeal.source_system
    if system is None or not system.is_active or not system.webhook_url:
        return None
    delivery = WebhookDelivery.objects.create(
        source_system=system,
        appeal=appeal,
        event=event,
        payload=status_payload(appeal, event, extra),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return delivery


def sign_body(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one outbox row. No lock is held during the HTTP call; the attempt counter is the claim."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("source_system").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "skipped"
    if delivery.next_attempt_at > now + timedelta(seconds=1):
        return "not_due"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status=WebhookDelivery.Status.PENDING
    ).update(attempts=delivery.attempts + 1)
    if claimed != 1:
        return "skipped"
    attempts = delivery.attempts + 1
    system = delivery.source_system
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Yingshang-Event": delivery.event,
        "X-Yingshang-Delivery": str(delivery.pk),
        "X-Yingshang-Signature": "sha256=" + sign_body(system.webhook_secret or "", body),
    }
    error = ""
    try:
        response = requests.post(system.webhook_url, data=body, headers=headers, timeout=5)
        if 200 <= response.status_code < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            return "sent"
        error = f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    max_attempts = int(get_setting("appeals.webhook_max_attempts"))
    if attempts >= max_attempts:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, last_error=error
        )
        return "failed"
    delay = int(get_setting("appeals.webhook_base_delay")) * 2 ** (attempts - 1)
    next_at = max(now, timezone.now()) + timedelta(seconds=delay)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=next_at, last_error=error)
    schedule_retry(delivery.pk, next_at)
    return "retry"


def webhook_retry_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Periodic sweep: send every pending row whose time has come (covers backends that cannot defer)."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        webhook_deliver(delivery_id=pk, now=now)
    return len(ids)
