"""The second factor (TOTP): enrol, and reset by the security administrator."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import PermissionRefused

from ..models import AdminChangeRequest, User
from ..permissions import can_reset_factor
from .accounts import refuse_self
from .common import tell
from .proposals import needs_second_person, propose


def otp_device_pending(*, user: User) -> TOTPDevice:
    """The device the holder is enrolling: the unconfirmed one from an earlier visit, or a new one."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "动态口令"})
    return device


@transaction.atomic
def otp_device_confirm(*, actor: Actor, device: Any) -> bool:
    """Confirm a freshly enrolled TOTP device; it replaces the user's other devices, so a lost phone stops
    working once a new one is bound. True when a device was replaced. Who may enrol is org.signin's rule."""
    others = type(device).objects.filter(user=device.user).exclude(pk=device.pk)
    replaced = others.filter(confirmed=True).exists()
    others.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=actor, action="auth.otp_replaced" if replaced else "auth.otp_enrolled", obj=device.user
    )
    return replaced


@transaction.atomic
def user_reset_factor(*, actor: Actor, user: User, reason: str = "") -> AdminChangeRequest | None:
    """The security administrator removes the holder's second-factor devices; they enrol again at the next
    sign-in. For an admin-duty account it is a proposal a second admin-duty account must confirm.
    `actor=None` is the recovery command on the server console."""
    if actor is not None and not can_reset_factor(actor):
        raise PermissionRefused("只有安全管理员可以重置动态口令。", code="org.factor_reset_forbidden")
    refuse_self(actor, user, "不能重置自己的动态口令，须由其他安全管理员办理。")
    if isinstance(actor, User) and needs_second_person(user):
        return propose(actor=actor, kind=AdminChangeRequest.Kind.FACTOR_RESET, target=user)
    remove_devices(actor=actor, user=user, reason=reason)
    return None


def remove_devices(*, actor: Actor, user: User, reason: str = "", proposed_by: User | None = None) -> int:
    from django_otp import devices_for_user

    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    after: dict[str, Any] = {"devices": 0}
    if proposed_by is not None:
        after["proposed_by"] = proposed_by.username
    audit_record(
        actor=actor,
        action="user.factor_reset",
        obj=user,
        before={"devices": removed},
        after=after,
        detail=reason,
    )
    tell(
        user,
        "您的动态口令已重置",
        "您账号绑定的动态口令已被安全管理员清除，下次登录时须重新绑定。如非本人申请，请立即联系安全管理员。",
    )
    return removed
