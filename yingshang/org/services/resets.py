"""Passwords set and reset by a one-time link sent to the holder's own e-mail or mobile."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import PermissionRefused, ValidationFailed

from ..models import AdminChangeRequest, Department, PasswordHistory, PasswordResetLink, User
from ..permissions import can_manage_accounts
from .accounts import generate_password, refuse_self, user_create
from .common import full_clean, tell
from .proposals import needs_second_person, propose

logger = logging.getLogger("yingshang.org")


RESET_LINK_LIFETIME = timedelta(hours=24)


RECENT_CONTACT_CHANGE = timedelta(days=7)


def _contacts(user: User) -> list[str]:
    return [channel for channel, address in (("email", user.email), ("sms", user.mobile)) if address]


@transaction.atomic
def account_open(
    *,
    actor: Actor,
    username: str,
    real_name: str,
    mobile: str = "",
    email: str = "",
    department: Department | None = None,
    pending_roles: frozenset[str] = frozenset(),
) -> User:
    """A new account whose holder sets the first password through a link sent to their own e-mail or
    mobile, so the administrator who opens it (by hand or by import) never knows a password of it. Roles an
    import asks for wait for the security administrator (pending_roles)."""
    if not (mobile.strip() or email.strip()):
        raise ValidationFailed(
            "请填写本人的手机号或邮箱：设置密码的链接只发给本人。",
            code="org.contact_missing",
            fields={"mobile": ["请填写手机号或邮箱。"]},
        )
    user = user_create(
        actor=actor,
        username=username.strip(),
        password=generate_password(username.strip()),
        real_name=real_name,
        mobile=mobile,
        email=email,
        department=department,
        pending_roles=set(pending_roles),
        must_change_password=False,
    )
    # The generated password above only satisfies the policy check; nobody ever sees it.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    issue_reset_link(actor=actor, user=user, first=True)
    return user


def issue_reset_link(
    *, actor: Actor, user: User, first: bool = False, proposed_by: User | None = None
) -> None:
    contacts = _contacts(user)
    if not contacts:
        raise ValidationFailed(
            "该账号没有登记本人的手机号或邮箱，无法发送重置链接。请先补充联系方式。",
            code="org.contact_missing",
        )
    if not user.is_active:
        raise ValidationFailed("该账号已停用，请先启用。", code="org.account_inactive")
    now = timezone.now()
    # Only the newest link works.
    PasswordResetLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = secrets.token_urlsafe(32)
    link = PasswordResetLink(
        user=user,
        token_hash=_digest(raw),
        requested_by=actor if isinstance(actor, User) else None,
        expires_at=now + RESET_LINK_LIFETIME,
    )
    full_clean(link)
    link.save()
    after: dict[str, Any] = {"sent_to": contacts, "expires_at": link.expires_at.isoformat()}
    if proposed_by is not None:
        after["proposed_by"] = proposed_by.username
    audit_record(
        actor=actor, action="user.account_opened" if first else "user.password_reset", obj=user, after=after
    )
    transaction.on_commit(lambda: _send_reset_link(user_id=user.pk, raw=raw, first=first))
    if not first:
        tell(
            user,
            "您的密码重置链接已发送",
            "管理员为您的账号发起了密码重置，设置新密码的链接已发到您登记的邮箱或手机，24 小时内有效、只能使用一次。"
            "原密码在您设置新密码之前仍然有效。如非本人申请，请联系安全管理员。",
        )


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _send_reset_link(*, user_id: int, raw: str, first: bool) -> None:
    """Sent straight to the holder's own e-mail and mobile (never the inbox, a work-group robot or the
    outbox table, which would keep the link in readable form)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from yingshang.notify.channels import sms_gateway

    user = User.objects.get(pk=user_id)
    url = settings.YINGSHANG_SITE_URL.rstrip("/") + reverse("org:password_reset", args=[raw])
    what = "设置登录密码" if first else "重置登录密码"
    text = f"您好，{user}：请在 24 小时内打开以下链接{what}（仅能使用一次）：{url}"
    if user.email:
        try:
            send_mail(f"【营商平台】{what}", text, None, [user.email], fail_silently=False)
        except Exception:
            logger.exception("reset link e-mail to user %s failed", user_id)
    if user.mobile:
        try:
            sms_gateway().send(mobile=user.mobile, text=f"【营商平台】{text}")
        except Exception:
            logger.exception("reset link SMS to user %s failed", user_id)


def usable_reset_link(raw: str) -> PasswordResetLink | None:
    return (
        PasswordResetLink.objects.select_related("user")
        .filter(
            token_hash=_digest(raw or ""),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


INVALID_LINK = "该链接无效、已经使用或已过期。请联系系统管理员重新发送。"


@transaction.atomic
def password_reset_complete(*, raw: str, new_password: str) -> User:
    """The holder sets a new password through the link; the link then stops working. They sign in
    normally afterwards, second factor included."""
    from axes.utils import reset as axes_reset

    link = usable_reset_link(raw)
    if link is None:
        raise ValidationFailed(INVALID_LINK, code="org.reset_link_invalid")
    user = link.user
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "".join(exc.messages), code="org.password_policy", fields={"new_password1": exc.messages}
        ) from exc
    now = timezone.now()
    claimed = PasswordResetLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if claimed != 1:
        raise ValidationFailed(INVALID_LINK, code="org.reset_link_invalid")
    user.set_password(new_password)
    user.password_changed_at = now
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    axes_reset(username=user.username)
    audit_record(actor=user, action="user.password_reset_done", obj=user)
    tell(user, "您的密码已重新设置", "您已通过重置链接设置了新密码。如非本人操作，请立即联系系统管理员。")
    return user


@transaction.atomic
def user_reset_password(*, actor: Actor, user: User) -> AdminChangeRequest | None:
    """The system administrator has a one-time link sent to the holder; he never sees a credential.
    For an admin-duty account, or one whose contact an administrator changed in the last days (the link
    would go where the administrator chose), it is a proposal a second admin-duty account must confirm."""
    if actor is not None and not can_manage_accounts(actor):
        raise PermissionRefused("只有系统管理员可以重置密码。", code="org.reset_forbidden")
    refuse_self(actor, user, "不能在这里重置自己的密码，请使用“修改密码”。")
    if not _contacts(user):
        raise ValidationFailed(
            "该账号没有登记本人的手机号或邮箱，无法发送重置链接。请先补充联系方式。",
            code="org.contact_missing",
        )
    recent_contact = (
        user.contact_changed_at is not None
        and timezone.now() - user.contact_changed_at < RECENT_CONTACT_CHANGE
    )
    if isinstance(actor, User) and (needs_second_person(user) or recent_contact):
        payload = {"reason": "该账号的手机号或邮箱近期由管理员修改"} if recent_contact else {}
        return propose(actor=actor, kind=AdminChangeRequest.Kind.PASSWORD_RESET, target=user, payload=payload)
    issue_reset_link(actor=actor, user=user)
    return None
