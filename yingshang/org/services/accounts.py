"""Accounts: create, particulars, roles, password, status; enterprises; admin accounts from the console."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import PermissionRefused, ValidationFailed

from .. import roles as r
from ..models import AdminChangeRequest, Department, Enterprise, PasswordHistory, User
from ..permissions import can_assign_roles
from .common import full_clean, plain, tell
from .proposals import needs_second_person, propose


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
    actor: Actor,
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
    full_clean(user)
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


def refuse_self(actor: Actor, user: User, message: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise PermissionRefused(message, code="org.own_account")


def check_role_change(*, actor: Actor, user: User, roles: set[str]) -> None:
    """Nobody changes their own roles or admin duty, and an account never moves between an admin duty and
    business roles (the CHECK forbids holding both at once; moving across would let a duty walk into the
    business data it is kept away from, or the other way round)."""
    check_role_combination(roles)
    refuse_self(actor, user, "不能修改自己的角色或管理职责，须由其他安全管理员办理。")
    before = user.role_codes
    if (before & r.ADMIN_DUTIES and roles & r.BUSINESS_ROLES) or (
        before & r.BUSINESS_ROLES and roles & r.ADMIN_DUTIES
    ):
        raise ValidationFailed(
            "管理职责与业务角色不能在同一账号上互换，请为该人员另建账号。",
            code="org.role_crossover",
            fields={"roles": ["不能在管理职责与业务角色之间互换。"]},
        )


@transaction.atomic
def user_set_roles(
    *, actor: Actor, user: User, roles: set[str] | frozenset[str]
) -> AdminChangeRequest | None:
    """Change an account's roles. A change that touches an admin duty (before or after) becomes a proposal
    that a second admin-duty account must confirm, and is returned; any other change is made at once.
    `actor=None` is the server console (seed data, management commands)."""
    roles = set(roles)
    if actor is not None and not can_assign_roles(actor):
        raise PermissionRefused("只有安全管理员可以分配角色。", code="org.roles_forbidden")
    check_role_change(actor=actor, user=user, roles=roles)
    if roles == user.role_codes and not user.pending_roles:
        return None
    if isinstance(actor, User) and needs_second_person(user, roles):
        return propose(
            actor=actor,
            kind=AdminChangeRequest.Kind.ROLES,
            target=user,
            payload={"roles": sorted(roles), "before": sorted(user.role_codes)},
        )
    apply_roles(actor=actor, user=user, roles=roles)
    return None


def apply_roles(*, actor: Actor, user: User, roles: set[str], proposed_by: User | None = None) -> None:
    before = sorted(user.role_codes)
    user.roles = r.roles_to_bits(roles)
    user.pending_roles = 0
    full_clean(user)
    user.save(update_fields=["roles", "pending_roles"])
    after: dict[str, Any] = {"roles": sorted(roles)}
    if proposed_by is not None:
        after["proposed_by"] = proposed_by.username
    audit_record(actor=actor, action="user.roles", obj=user, before={"roles": before}, after=after)
    labels = "、".join(r.ROLE_LABELS[c] for c in r.ROLE_BITS if c in roles) or "无"
    tell(user, "您的角色已变更", f"您账号的角色已变更为：{labels}。如有疑问，请联系安全管理员。")


@transaction.atomic
def password_change(*, actor: Actor, user: User, new_password: str) -> User:
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
    tell(user, "您的密码已修改", "您账号的登录密码刚刚修改。如非本人操作，请立即联系系统管理员。")
    return user


@transaction.atomic
def enterprise_create(
    *, actor: Actor, credit_code: str, name: str, district: Department | None = None
) -> Enterprise:
    enterprise = Enterprise(credit_code=credit_code.strip().upper(), name=name.strip(), district=district)
    full_clean(enterprise)
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
    actor: Actor,
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
    before = {k: plain(getattr(user, k)) for k in changed}
    for key, value in changed.items():
        setattr(user, key, value)
    update_fields = list(changed)
    if {"mobile", "email"} & set(changed) and getattr(actor, "pk", None) != user.pk:
        user.contact_changed_at = timezone.now()
        update_fields.append("contact_changed_at")
    full_clean(user)
    user.save(update_fields=update_fields)
    masked = {"mobile"}
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        before={k: ("***" if k in masked and v else v) for k, v in before.items()},
        after={k: ("***" if k in masked and v else plain(v)) for k, v in changed.items()},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
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
def user_unlock(*, actor: Actor, user: User) -> int:
    """Lift a lock-out after failed sign-ins before the cool-off ends."""
    from axes.utils import reset

    removed = reset(username=user.username)
    audit_record(actor=actor, action="user.unlock", obj=user, after={"attempts_cleared": removed})
    return removed


@transaction.atomic
def user_confirm_pending_roles(*, actor: Actor, user: User) -> AdminChangeRequest | None:
    """The security administrator puts the roles an import asked for into force (or proposes them, when
    they include an admin duty)."""
    if not user.pending_roles:
        raise ValidationFailed("该账号没有待确认的角色。", code="org.no_pending_roles")
    return user_set_roles(actor=actor, user=user, roles=user.pending_role_codes)


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
