"""Every write to departments and accounts."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields
from yingshang.core.workflow import apply_transition
from yingshang.notify.kinds import register_kind

from . import roles as r
from .models import (
    AdminChangeRequest,
    ApiToken,
    Department,
    Enterprise,
    PasswordHistory,
    PasswordResetLink,
    User,
)
from .permissions import (
    can_assign_roles,
    can_include_in_assessment,
    can_manage_accounts,
    can_reset_factor,
    is_second_person,
)
from .workflow import ADMIN_CHANGE

logger = logging.getLogger("yingshang.org")

ACCOUNT_NOTICE = "account_security"
register_kind(ACCOUNT_NOTICE, "账号安全（密码、动态口令、角色变更）")
RESET_LINK_LIFETIME = timedelta(hours=24)
PROPOSAL_LIFETIME = timedelta(days=3)
RECENT_CONTACT_CHANGE = timedelta(days=7)


def check_role_combination(codes: set[str] | frozenset[str]) -> None:
    """The three admin duties each stand alone: never two on one account, never with a business role."""
    unknown = set(codes) - set(r.ROLE_BITS)
    if unknown:
        raise ValidationFailed(
            f"未知角色：{'、'.join(sorted(unknown))}。",
            code="org.unknown_role",
            fields={"roles": ["未知角色。"]},
        )
    duties = set(codes) & r.ADMIN_DUTIES
    if duties and len(codes) > 1:
        raise ValidationFailed(
            "系统管理员、安全管理员、审计管理员须分设账号，且不得兼任其他角色。",
            code="org.role_combination",
            fields={"roles": ["角色组合不允许。"]},
        )


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(code="org.record_invalid", fields=validation_error_fields(exc)) from exc


def _department_path(department: Department) -> str:
    parent_path = department.parent.path if department.parent is not None else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_create(
    *,
    actor: Any,
    code: str,
    name: str,
    short_name: str = "",
    aliases: list[str] | None = None,
    kind: str = Department.Kind.CITY_DEPARTMENT,
    parent: Department | None = None,
    sort_order: int = 0,
    in_assessment: bool = True,
) -> Department:
    department = Department(
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        aliases=list(aliases or []),
        kind=kind,
        parent=parent,
        sort_order=sort_order,
        in_assessment=in_assessment,
    )
    _full_clean(department, exclude=["path"])
    department.save()
    department.path = _department_path(department)
    department.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="department.create",
        obj=department,
        after={"code": department.code, "name": department.name, "in_assessment": department.in_assessment},
    )
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **fields: Any) -> Department:
    """Change a department; moving it under another parent rewrites the paths of its whole subtree."""
    allowed = {
        "name",
        "short_name",
        "aliases",
        "kind",
        "sort_order",
        "is_active",
        "in_assessment",
        "code",
        "parent",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改：{', '.join(sorted(unknown))}", code="org.department_field")
    fields = {k: v for k, v in fields.items() if getattr(department, k) != v}
    if not fields:
        return department
    if "parent" in fields:
        parent = fields["parent"]
        if parent is not None and (parent.pk == department.pk or parent.path.startswith(department.path)):
            raise ValidationFailed(
                "不能把单位调整到其自身或其下属单位之下。",
                code="org.department_parent",
                fields={"parent": ["上级单位不能是本单位或其下属单位。"]},
            )
    before = {k: _plain(getattr(department, k)) for k in fields}
    old_path = department.path
    for key, value in fields.items():
        setattr(department, key, value)
    _full_clean(department, exclude=["path"])
    update_fields = list(fields)
    if "parent" in fields:
        department.path = _department_path(department)
        update_fields.append("path")
    department.save(update_fields=update_fields)
    if "parent" in fields:
        for sub in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
            sub.path = department.path + sub.path[len(old_path) :]
            sub.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="department.update",
        obj=department,
        before=before,
        after={k: _plain(v) for k, v in fields.items()},
    )
    return department


def department_set_in_assessment(*, actor: Any, department: Department, included: bool) -> Department:
    """The office decides which units are ranked: a unit an import created stays out until it is included."""
    if not can_include_in_assessment(actor):
        raise PermissionRefused("只有营商办可以决定单位是否纳入考核。", code="org.assessment_forbidden")
    return department_update(actor=actor, department=department, in_assessment=included)


def _plain(value: Any) -> Any:
    if isinstance(value, Department):
        return value.code
    return value


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def mobile_error(mobile: str) -> str | None:
    if mobile and not MOBILE_RE.match(mobile):
        return "手机号应为11位数字，以1开头。"
    return None


def _check_mobile(mobile: str) -> str:
    mobile = "".join((mobile or "").split())
    error = mobile_error(mobile)
    if error:
        raise ValidationFailed(error, code="org.mobile_invalid", fields={"mobile": [error]})
    return mobile


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    real_name: str = "",
    roles: set[str] | frozenset[str] = frozenset(),
    department: Department | None = None,
    mobile: str = "",
    email: str = "",
    must_change_password: bool = True,
    enterprise: Any = None,
    pending_roles: set[str] | frozenset[str] = frozenset(),
) -> User:
    check_role_combination(set(roles))
    check_role_combination(set(pending_roles))
    mobile = _check_mobile(mobile)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            f"账号“{username}”已存在。", code="org.username_taken", fields={"username": ["账号已存在。"]}
        )
    user = User(
        username=username,
        real_name=real_name,
        roles=r.roles_to_bits(roles),
        pending_roles=r.roles_to_bits(pending_roles),
        department=department,
        mobile=mobile,
        email=email,
        must_change_password=must_change_password,
        enterprise=enterprise,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "密码不符合要求：" + "".join(exc.messages),
            code="org.password_policy",
            fields={"password": exc.messages},
        ) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    _full_clean(user)
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={
            "username": username,
            "roles": sorted(roles),
            "pending_roles": sorted(pending_roles),
            "department": str(department or ""),
        },
    )
    return user


def _refuse_self(actor: Any, user: User, message: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise PermissionRefused(message, code="org.own_account")


def _check_role_change(*, actor: Any, user: User, roles: set[str]) -> None:
    """Nobody changes their own roles or admin duty, and an account never moves between an admin duty and
    business roles (the CHECK forbids holding both at once; moving across would let a duty walk into the
    business data it is kept away from, or the other way round)."""
    check_role_combination(roles)
    _refuse_self(actor, user, "不能修改自己的角色或管理职责，须由其他安全管理员办理。")
    before = user.role_codes
    if (before & r.ADMIN_DUTIES and roles & r.BUSINESS_ROLES) or (
        before & r.BUSINESS_ROLES and roles & r.ADMIN_DUTIES
    ):
        raise ValidationFailed(
            "管理职责与业务角色不能在同一账号上互换，请为该人员另建账号。",
            code="org.role_crossover",
            fields={"roles": ["不能在管理职责与业务角色之间互换。"]},
        )


def _needs_second_person(user: User, roles: set[str] | frozenset[str] = frozenset()) -> bool:
    return bool((user.role_codes | roles) & r.ADMIN_DUTIES)


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: set[str] | frozenset[str]) -> AdminChangeRequest | None:
    """Change an account's roles. A change that touches an admin duty (before or after) becomes a proposal
    that a second admin-duty account must confirm, and is returned; any other change is made at once.
    `actor=None` is the server console (seed data, management commands)."""
    roles = set(roles)
    if actor is not None and not can_assign_roles(actor):
        raise PermissionRefused("只有安全管理员可以分配角色。", code="org.roles_forbidden")
    _check_role_change(actor=actor, user=user, roles=roles)
    if roles == user.role_codes and not user.pending_roles:
        return None
    if actor is not None and _needs_second_person(user, roles):
        return _propose(
            actor=actor,
            kind=AdminChangeRequest.Kind.ROLES,
            target=user,
            payload={"roles": sorted(roles), "before": sorted(user.role_codes)},
        )
    _apply_roles(actor=actor, user=user, roles=roles)
    return None


def _apply_roles(*, actor: Any, user: User, roles: set[str], proposed_by: Any = None) -> None:
    before = sorted(user.role_codes)
    user.roles = r.roles_to_bits(roles)
    user.pending_roles = 0
    _full_clean(user)
    user.save(update_fields=["roles", "pending_roles"])
    after: dict[str, Any] = {"roles": sorted(roles)}
    if proposed_by is not None:
        after["proposed_by"] = proposed_by.username
    audit_record(actor=actor, action="user.roles", obj=user, before={"roles": before}, after=after)
    labels = "、".join(r.ROLE_LABELS[c] for c in r.ROLE_BITS if c in roles) or "无"
    _tell(user, "您的角色已变更", f"您账号的角色已变更为：{labels}。如有疑问，请联系安全管理员。")


@transaction.atomic
def password_change(*, actor: Any, user: User, new_password: str) -> User:
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "".join(exc.messages), code="org.password_policy", fields={"new_password1": exc.messages}
        ) from exc
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    audit_record(actor=actor, action="user.password_change", obj=user)
    _tell(user, "您的密码已修改", "您账号的登录密码刚刚修改。如非本人操作，请立即联系系统管理员。")
    return user


@transaction.atomic
def enterprise_create(
    *, actor: Any, credit_code: str, name: str, district: Department | None = None
) -> Enterprise:
    enterprise = Enterprise(credit_code=credit_code.strip().upper(), name=name.strip(), district=district)
    _full_clean(enterprise)
    enterprise.save()
    audit_record(
        actor=actor,
        action="enterprise.create",
        obj=enterprise,
        after={"credit_code": enterprise.credit_code, "name": enterprise.name},
    )
    return enterprise


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    real_name: str,
    mobile: str,
    email: str = "",
    department: Department | None = None,
) -> User:
    """The account's particulars (not its roles, password or status: those have their own services)."""
    values = {
        "real_name": real_name.strip(),
        "mobile": _check_mobile(mobile),
        "email": email.strip(),
        "department": department,
    }
    changed = {k: v for k, v in values.items() if getattr(user, k) != v}
    if not changed:
        return user
    before = {k: _plain(getattr(user, k)) for k in changed}
    for key, value in changed.items():
        setattr(user, key, value)
    update_fields = list(changed)
    if {"mobile", "email"} & set(changed) and getattr(actor, "pk", None) != user.pk:
        user.contact_changed_at = timezone.now()
        update_fields.append("contact_changed_at")
    _full_clean(user)
    user.save(update_fields=update_fields)
    masked = {"mobile"}
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        before={k: ("***" if k in masked and v else v) for k, v in before.items()},
        after={k: ("***" if k in masked and v else _plain(v)) for k, v in changed.items()},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    if getattr(actor, "pk", None) == user.pk and not active:
        raise ValidationFailed("不能停用自己正在使用的账号。", code="org.own_account_disable")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.enable" if active else "user.disable",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


def generate_password(username: str = "") -> str:
    """A random password that satisfies the policy (14 characters, all four character classes, not containing
    the username), for accounts whose password nobody is meant to know: it is replaced by an unusable one or
    by the holder's own through a set-password link."""
    import string

    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "#%+-=@_"]
    everything = "".join(pools)
    for _ in range(1000):
        chars = [secrets.choice(pool) for pool in pools] + [secrets.choice(everything) for _ in range(10)]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        if not username or username.lower() not in candidate.lower():
            return candidate
    raise ValidationFailed(
        "无法为该账号生成符合规则的密码，请更换账号名后重试。", code="org.password_generation"
    )


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> int:
    """Lift a lock-out after failed sign-ins before the cool-off ends."""
    from axes.utils import reset

    removed = reset(username=user.username)
    audit_record(actor=actor, action="user.unlock", obj=user, after={"attempts_cleared": removed})
    return removed


@transaction.atomic
def user_confirm_pending_roles(*, actor: Any, user: User) -> AdminChangeRequest | None:
    """The security administrator puts the roles an import asked for into force (or proposes them, when
    they include an admin duty)."""
    if not user.pending_roles:
        raise ValidationFailed("该账号没有待确认的角色。", code="org.no_pending_roles")
    return user_set_roles(actor=actor, user=user, roles=user.pending_role_codes)


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
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
    _full_clean(token)
    token.save()
    audit_record(
        actor=actor, action="api_token.create", obj=token, after={"name": name, "user": user.username}
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationFailed("该令牌已经吊销。", code="org.token_revoked")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated != 1:
        raise ValidationFailed("该令牌已经吊销。", code="org.token_revoked")
    token.refresh_from_db(fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, before={"revoked_at": None})
    return token


@transaction.atomic
def otp_device_confirm(*, actor: Any, device: Any) -> bool:
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


# ---- notices to the account holder -----------------------------------------------------------------


def _tell(user: User, title: str, body: str) -> None:
    """Tell the holder (inbox and the channels they chose) that their password, factor or roles changed."""
    from yingshang.notify.services import notify

    notify(recipients=[user], kind=ACCOUNT_NOTICE, title=title, body=body)


# ---- password reset by a one-time link --------------------------------------------------------------


def _contacts(user: User) -> list[str]:
    return [channel for channel, address in (("email", user.email), ("sms", user.mobile)) if address]


@transaction.atomic
def account_open(
    *,
    actor: Any,
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
    _issue_reset_link(actor=actor, user=user, first=True)
    return user


def _issue_reset_link(*, actor: Any, user: User, first: bool = False, proposed_by: Any = None) -> None:
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
        user=user, token_hash=_digest(raw), requested_by=actor, expires_at=now + RESET_LINK_LIFETIME
    )
    _full_clean(link)
    link.save()
    after: dict[str, Any] = {"sent_to": contacts, "expires_at": link.expires_at.isoformat()}
    if proposed_by is not None:
        after["proposed_by"] = proposed_by.username
    audit_record(
        actor=actor, action="user.account_opened" if first else "user.password_reset", obj=user, after=after
    )
    transaction.on_commit(lambda: _send_reset_link(user_id=user.pk, raw=raw, first=first))
    if not first:
        _tell(
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
    _tell(user, "您的密码已重新设置", "您已通过重置链接设置了新密码。如非本人操作，请立即联系系统管理员。")
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> AdminChangeRequest | None:
    """The system administrator has a one-time link sent to the holder; he never sees a credential.
    For an admin-duty account, or one whose contact an administrator changed in the last days (the link
    would go where the administrator chose), it is a proposal a second admin-duty account must confirm."""
    if actor is not None and not can_manage_accounts(actor):
        raise PermissionRefused("只有系统管理员可以重置密码。", code="org.reset_forbidden")
    _refuse_self(actor, user, "不能在这里重置自己的密码，请使用“修改密码”。")
    if not _contacts(user):
        raise ValidationFailed(
            "该账号没有登记本人的手机号或邮箱，无法发送重置链接。请先补充联系方式。",
            code="org.contact_missing",
        )
    recent_contact = (
        user.contact_changed_at is not None
        and timezone.now() - user.contact_changed_at < RECENT_CONTACT_CHANGE
    )
    if actor is not None and (_needs_second_person(user) or recent_contact):
        payload = {"reason": "该账号的手机号或邮箱近期由管理员修改"} if recent_contact else {}
        return _propose(
            actor=actor, kind=AdminChangeRequest.Kind.PASSWORD_RESET, target=user, payload=payload
        )
    _issue_reset_link(actor=actor, user=user)
    return None


@transaction.atomic
def admin_account_bootstrap(
    *,
    duty: str,
    username: str,
    password: str,
    real_name: str = "",
    mobile: str = "",
    email: str = "",
    allow_another: bool = False,
    console_user: str = "",
) -> User:
    """An admin-duty account created on the server console, e.g. the first security administrator of a new
    installation. Refused when an active account of that duty exists, unless `allow_another`; the holder
    changes the password and enrols the second factor at the first sign-in."""
    if duty not in r.ADMIN_DUTIES:
        raise ValidationFailed(
            f"只能创建管理员账号（{'、'.join(sorted(r.ADMIN_DUTIES))}）。", code="org.not_admin_duty"
        )
    exists = User.objects.filter(is_active=True, roles=r.ROLE_BITS[duty]).exists()
    if exists and not allow_another:
        raise ValidationFailed(
            f"已有启用的{r.ROLE_LABELS[duty]}账号；确需再建一个，请加 --another，并由现任管理员知悉。",
            code="org.duty_exists",
        )
    user = user_create(
        actor=None,
        username=username,
        password=password,
        real_name=real_name,
        roles={duty},
        mobile=mobile,
        email=email,
        must_change_password=True,
    )
    audit_record(
        actor=None,
        action="command.admin_account_bootstrap",
        obj=user,
        username=console_user,
        after={"username": username, "duty": duty, "another": exists},
        detail=f"服务器命令创建{r.ROLE_LABELS[duty]}账号（操作系统用户 {console_user or '未知'}）",
    )
    return user


# ---- second factor --------------------------------------------------------------------------------


@transaction.atomic
def user_reset_factor(*, actor: Any, user: User, reason: str = "") -> AdminChangeRequest | None:
    """The security administrator removes the holder's second-factor devices; they enrol again at the next
    sign-in. For an admin-duty account it is a proposal a second admin-duty account must confirm.
    `actor=None` is the recovery command on the server console."""
    if actor is not None and not can_reset_factor(actor):
        raise PermissionRefused("只有安全管理员可以重置动态口令。", code="org.factor_reset_forbidden")
    _refuse_self(actor, user, "不能重置自己的动态口令，须由其他安全管理员办理。")
    if actor is not None and _needs_second_person(user):
        return _propose(actor=actor, kind=AdminChangeRequest.Kind.FACTOR_RESET, target=user)
    _remove_devices(actor=actor, user=user, reason=reason)
    return None


def _remove_devices(*, actor: Any, user: User, reason: str = "", proposed_by: Any = None) -> int:
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
    _tell(
        user,
        "您的动态口令已重置",
        "您账号绑定的动态口令已被安全管理员清除，下次登录时须重新绑定。如非本人申请，请立即联系安全管理员。",
    )
    return removed


# ---- two-person rule ------------------------------------------------------------------------------


def _propose(
    *, actor: Any, kind: str, target: User, payload: dict[str, Any] | None = None
) -> AdminChangeRequest:
    from django.urls import reverse

    from yingshang.notify.services import notify

    if AdminChangeRequest.objects.filter(
        target=target, kind=kind, state=AdminChangeRequest.State.PENDING
    ).exists():
        raise ValidationFailed("该账号已有一项同类申请等待确认，请先处理那一项。", code="org.change_pending")
    now = timezone.now()
    change = AdminChangeRequest(
        kind=kind,
        target=target,
        payload=payload or {},
        proposed_by=actor,
        created_at=now,
        expires_at=now + PROPOSAL_LIFETIME,
    )
    _full_clean(change)
    change.save()
    audit_record(
        actor=actor,
        action="admin_change.propose",
        obj=change,
        after={"kind": kind, "target": target.username, **change.payload},
    )
    confirmers = User.objects.filter(is_active=True, roles__gte=r.ADMIN_BITS_FLOOR).exclude(
        pk__in=[actor.pk, target.pk]
    )
    notify(
        recipients=list(confirmers),
        kind=ACCOUNT_NOTICE,
        title=f"待确认：{change.get_kind_display()}（{target.username}）",
        body=f"{actor}申请对管理员账号 {target.username} 进行{change.get_kind_display()}，须由另一名管理员确认后生效。",
        link=reverse("org:admin_change_list"),
        item=change,
    )
    return change


_PREDICATES = {
    "second_person": is_second_person,
    "past_deadline": lambda user, change: change.expires_at <= timezone.now(),
}


@transaction.atomic
def admin_change_decide(*, actor: Any, change: AdminChangeRequest, action: str) -> AdminChangeRequest:
    """Confirm (the change takes effect now) or reject a proposal. A proposal past its deadline expires
    instead, whatever was asked."""
    if action not in ("confirm", "reject"):
        raise ValidationFailed("未知的操作。", code="org.unknown_decision")
    now = timezone.now()
    if change.state == AdminChangeRequest.State.PENDING and change.expires_at <= now:
        apply_transition(change, workflow=ADMIN_CHANGE, user=actor, action="expire", predicates=_PREDICATES)
        return change
    apply_transition(
        change,
        workflow=ADMIN_CHANGE,
        user=actor,
        action=action,
        predicates=_PREDICATES,
        changes={"decided_by": actor, "decided_at": now},
    )
    if action == "confirm":
        _carry_out(change, actor=actor)
    return change


def _carry_out(change: AdminChangeRequest, *, actor: Any) -> None:
    """The confirmer carries out the change; the audit record names the proposer too."""
    target = User.objects.select_for_update().get(pk=change.target_id)
    proposer = change.proposed_by
    if change.kind == AdminChangeRequest.Kind.ROLES:
        roles = set(change.payload["roles"])
        if sorted(target.role_codes) != change.payload["before"]:
            raise ValidationFailed(
                "该账号的角色在申请之后已有变化，请驳回后重新发起。", code="org.change_stale"
            )
        _check_role_change(actor=proposer, user=target, roles=roles)
        _apply_roles(actor=actor, user=target, roles=roles, proposed_by=proposer)
    elif change.kind == AdminChangeRequest.Kind.PASSWORD_RESET:
        _issue_reset_link(actor=actor, user=target, proposed_by=proposer)
    else:
        _remove_devices(actor=actor, user=target, proposed_by=proposer)
