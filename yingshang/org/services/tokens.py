"""API tokens of integrations: issue and revoke."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import ValidationFailed

from .. import roles as r
from ..models import ApiToken, User
from .common import full_clean


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for an integration: returns the row and the token itself, which is never stored."""
    from yingshang.core.api_auth import token_digest

    name = name.strip()
    if not name:
        raise ValidationFailed(
            "请填写令牌名称。", code="org.token_name_missing", fields={"name": ["请填写令牌名称。"]}
        )
    if not user.is_active:
        raise ValidationFailed(
            "该账号已停用，不能签发令牌。", code="org.token_user_inactive", fields={"user": ["账号已停用。"]}
        )
    if user.role_codes & r.ADMIN_DUTIES:
        raise ValidationFailed(
            "不能为管理员账号签发接口令牌。",
            code="org.token_admin_user",
            fields={"user": ["请选择业务账号。"]},
        )
    raw = "ys_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, user=user, token_hash=token_digest(raw), prefix=raw[:8])
    full_clean(token)
    token.save()
    audit_record(
        actor=actor, action="api_token.create", obj=token, after={"name": name, "user": user.username}
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationFailed("该令牌已经吊销。", code="org.token_revoked")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated != 1:
        raise ValidationFailed("该令牌已经吊销。", code="org.token_revoked")
    token.refresh_from_db(fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, before={"revoked_at": None})
    return token
