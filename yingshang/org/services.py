"""Every write to departments and accounts."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields

from . import roles as r
from .models import ApiToken, Department, Enterprise, PasswordHistory, User


def check_role_combination(codes: set[str] | frozenset[str]) -> None:
    """The three admin duties each stand alone: never two on one account, never with a business role."""
    unknown = set(codes) - set(r.ROLE_BITS)
    if unknown:
        raise ValidationFailed(f"未知角色：{'、'.join(sorted(unknown))}。", fields={"roles": ["未知角色。"]})
    duties = set(codes) & r.ADMIN_DUTIES
    if duties and len(codes) > 1:
        raise ValidationFailed(
            "系统管理员、安全管理员、审计管理员须分设账号，且不得兼任其他角色。",
            fields={"roles": ["角色组合不允许。"]},
        )


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc


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
        raise ValidationFailed(f"不能修改：{', '.join(sorted(unknown))}")
    fields = {k: v for k, v in fields.items() if getattr(department, k) != v}
    if not fields:
        return department
    if "parent" in fields:
        parent = fields["parent"]
        if parent is not None and (parent.pk == department.pk or parent.path.startswith(department.path)):
            raise ValidationFailed(
                "不能把单位调整到其自身或其下属单位之下。",
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
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(r.OFFICE)):
        raise PermissionRefused("只有营商办可以决定单位是否纳入考核。")
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
        raise ValidationFailed(error, fields={"mobile": [error]})
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
        raise ValidationFailed(f"账号“{username}”已存在。", fields={"username": ["账号已存在。"]})
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
            "密码不符合要求：" + "".join(exc.messages), fields={"password": exc.messages}
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


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: set[str] | frozenset[str]) -> User:
    check_role_combination(set(roles))
    before = sorted(user.role_codes)
    user.roles = r.roles_to_bits(roles)
    user.pending_roles = 0
    _full_clean(user)
    user.save(update_fields=["roles", "pending_roles"])
    audit_record(
        actor=actor, action="user.roles", obj=user, before={"roles": before}, after={"roles": sorted(roles)}
    )
    return user


@transaction.atomic
def password_change(*, actor: Any, user: User, new_password: str) -> User:
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed("".join(exc.messages), fields={"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    audit_record(actor=actor, action="user.password_change", obj=user)
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
    _full_clean(user)
    user.save(update_fields=list(changed))
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
        raise ValidationFailed("不能停用自己正在使用的账号。")
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
    """A temporary password that satisfies the policy: 14 characters with all four character classes,
    not containing the username."""
    import string

    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "#%+-=@_"]
    everything = "".join(pools)
    for _ in range(1000):
        chars = [secrets.choice(pool) for pool in pools] + [secrets.choice(everything) for _ in range(10)]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        if not username or username.lower() not in candidate.lower():
            return candidate
    raise ValidationFailed("无法为该账号生成临时密码，请手工设置。")


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, new_password: str | None = None) -> str:
    """Set a temporary password the holder must change at the next sign-in; returns it to show once."""
    password = new_password or generate_password(user.username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("".join(exc.messages), fields={"password": exc.messages}) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    audit_record(actor=actor, action="user.password_reset", obj=user, after={"must_change_password": True})
    return password


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> int:
    """Lift a lock-out after failed sign-ins before the cool-off ends."""
    from axes.utils import reset

    removed = reset(username=user.username)
    audit_record(actor=actor, action="user.unlock", obj=user, after={"attempts_cleared": removed})
    return removed


@transaction.atomic
def user_confirm_pending_roles(*, actor: Any, user: User) -> User:
    """The security administrator puts the roles an import asked for into force."""
    if not user.pending_roles:
        raise ValidationFailed("该账号没有待确认的角色。")
    return user_set_roles(actor=actor, user=user, roles=user.pending_role_codes)


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for an integration: returns the row and the token itself, which is never stored."""
    from yingshang.core.api_auth import token_digest

    name = name.strip()
    if not name:
        raise ValidationFailed("请填写令牌名称。", fields={"name": ["请填写令牌名称。"]})
    if not user.is_active:
        raise ValidationFailed("该账号已停用，不能签发令牌。", fields={"user": ["账号已停用。"]})
    if user.role_codes & r.ADMIN_DUTIES:
        raise ValidationFailed("不能为管理员账号签发接口令牌。", fields={"user": ["请选择业务账号。"]})
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
        raise ValidationFailed("该令牌已经吊销。")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated != 1:
        raise ValidationFailed("该令牌已经吊销。")
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
