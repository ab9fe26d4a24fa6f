"""Staged imports: every upload that waits for a confirmation (ledger plans, hotline tickets, departments,
accounts) is kept as one `StagedImport` row owned by the uploader. The owner may reopen and confirm it from
any session until it expires; a confirmation consumes it once, in the same transaction as the import."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from yingshang.org.models import User

from .errors import ApplicationError, NotFound
from .models import StagedImport

LIFETIME = timedelta(hours=24)
KEEP_PER_OWNER = 5  # unconfirmed previews kept per user and kind; older ones are discarded


class StagedImportGone(ApplicationError):
    """The owner's preview exists but can no longer be confirmed: it expired or was already imported."""

    code = "staged_import_gone"
    status = 410


def stage(
    *, actor: User, kind: str, file_name: str, content: bytes = b"", payload: dict[str, Any]
) -> StagedImport:
    now = timezone.now()
    with transaction.atomic():
        staged = StagedImport(
            token=secrets.token_urlsafe(24),
            kind=kind,
            owner=actor,
            file_name=file_name[:255],
            content=content,
            payload=payload,
            created_at=now,
            expires_at=now + LIFETIME,
        )
        staged.full_clean(exclude=["content"])
        staged.save()
        older = StagedImport.objects.filter(owner=actor, kind=kind, consumed_at__isnull=True).order_by(
            "-created_at", "-pk"
        )[KEEP_PER_OWNER:]
        StagedImport.objects.filter(pk__in=list(older.values_list("pk", flat=True))).delete()
    return staged


def _gone_message(staged: StagedImport) -> str:
    if staged.consumed_at is not None:
        return f"《{staged.file_name}》已于 {timezone.localtime(staged.consumed_at):%Y-%m-%d %H:%M} 导入，不会重复导入。"
    return f"《{staged.file_name}》的预览已过期（超过 {int(LIFETIME.total_seconds() // 3600)} 小时未确认），请重新上传文件。"


def get_for_owner(*, actor: User, kind: str, token: str) -> StagedImport:
    """The owner's open preview. Another user's or an unknown token is NotFound (404, nothing said about
    it); the owner's expired or already imported preview is StagedImportGone with a message saying which."""
    staged = StagedImport.objects.filter(token=token, kind=kind, owner_id=getattr(actor, "pk", None)).first()
    if staged is None:
        raise NotFound("导入预览不存在。", code="core.staged_import_missing")
    if staged.consumed_at is not None or staged.expires_at <= timezone.now():
        raise StagedImportGone(_gone_message(staged))
    return staged


def open_for_owner(*, actor: User, kind: str) -> list[StagedImport]:
    """The user's previews still waiting for a confirmation, newest first (to resume from another session)."""
    return list(
        StagedImport.objects.filter(
            owner_id=getattr(actor, "pk", None),
            kind=kind,
            consumed_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .only("token", "file_name", "created_at", "expires_at")
    )


def update_payload(*, staged: StagedImport, payload: dict[str, Any]) -> None:
    """The owner's choices on the preview (column mapping, unit mapping…); refused once it is gone."""
    updated = StagedImport.objects.filter(
        pk=staged.pk, consumed_at__isnull=True, expires_at__gt=timezone.now()
    ).update(payload=payload)
    if not updated:
        staged.refresh_from_db()
        raise StagedImportGone(_gone_message(staged))
    staged.payload = payload


@contextmanager
def consume(*, actor: User, kind: str, token: str) -> Iterator[StagedImport]:
    """Claim the preview for its import: the body runs in the same transaction, so a failed import leaves the
    preview open, and of two confirmations (two tabs, two workers, a double click) only the first imports."""
    with transaction.atomic():
        staged = get_for_owner(actor=actor, kind=kind, token=token)
        claimed = StagedImport.objects.filter(pk=staged.pk, consumed_at__isnull=True).update(
            consumed_at=timezone.now(), payload={}, content=b""
        )
        if not claimed:
            staged.refresh_from_db()
            raise StagedImportGone(_gone_message(staged))
        yield staged


def discard(*, staged: StagedImport) -> None:
    StagedImport.objects.filter(pk=staged.pk).delete()


def purge_expired(*, now: Any = None) -> int:
    """Delete expired previews and the records of consumed ones once they have expired too. Safe to run twice."""
    deleted, _ = StagedImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
