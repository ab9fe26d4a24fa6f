"""Every write to departments and accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed, validation_error_fields

from . import roles as r
from .models import Department, Enterprise, PasswordHistory, User


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
) -> Department:
    department = Department(
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        aliases=list(aliases or []),
        kind=kind,
        parent=parent,
        sort_order=sort_order,
    )
    _full_clean(department, exclude=["path"])
    department.save()
    department.path = _department_path(department)
    department.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="department.create",
        obj=department,
        after={"code": department.code, "name": department.name},
    )
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **fields: Any) -> Department:
    allowed = {"name", "short_name", "aliases", "kind", "sort_order", "is_active", "code"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改：{', '.join(sorted(unknown))}")
    before = {k: getattr(department, k) for k in fields}
    for key, value in fields.items():
        setattr(department, key, value)
    _full_clean(department)
    department.save(update_fields=list(fields))
    audit_record(actor=actor, action="department.update", obj=department, before=before, after=fields)
    return department


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
) -> User:
    check_role_combination(set(roles))
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"账号“{username}”已存在。", fields={"username": ["账号已存在。"]})
    user = User(
        username=username,
        real_name=real_name,
        roles=r.roles_to_bits(roles),
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
        after={"username": username, "roles": sorted(roles), "department": str(department or "")},
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: set[str] | frozenset[str]) -> User:
    check_role_combination(set(roles))
    before = sorted(user.role_codes)
    user.roles = r.roles_to_bits(roles)
    _full_clean(user)
    user.save(update_fields=["roles"])
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
