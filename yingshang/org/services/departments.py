"""Departments: create, change (moving a subtree), include in the assessment."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import PermissionRefused, ValidationFailed

from ..models import Department
from ..permissions import can_include_in_assessment
from .common import full_clean, plain


def _department_path(department: Department) -> str:
    parent_path = department.parent.path if department.parent is not None else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_create(
    *,
    actor: Actor,
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
    full_clean(department, exclude=["path"])
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
def department_update(*, actor: Actor, department: Department, **fields: Any) -> Department:
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
    before = {k: plain(getattr(department, k)) for k in fields}
    old_path = department.path
    for key, value in fields.items():
        setattr(department, key, value)
    full_clean(department, exclude=["path"])
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
        after={k: plain(v) for k, v in fields.items()},
    )
    return department


def department_set_in_assessment(*, actor: Actor, department: Department, included: bool) -> Department:
    """The office decides which units are ranked: a unit an import created stays out until it is included."""
    if not can_include_in_assessment(actor):
        raise PermissionRefused("只有营商办可以决定单位是否纳入考核。", code="org.assessment_forbidden")
    return department_update(actor=actor, department=department, in_assessment=included)
