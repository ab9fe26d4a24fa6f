"""Data scope, in one place: which departments' records a user may see. Every selector goes through it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from . import roles as r
from .models import Department


def sees_all_departments(user: Any) -> bool:
    codes: frozenset[str] = getattr(user, "role_codes", frozenset())
    return bool(codes & r.CITY_WIDE_ROLES)


def department_ids(user: Any) -> set[int] | None:
    """None means every department; otherwise the user's department and its sub-units (maybe empty)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if sees_all_departments(user):
        return None
    if not (user.role_codes & r.DEPARTMENT_ROLES) or user.department_id is None:
        return set()
    cached = getattr(user, "_scope_department_ids", None)
    if cached is None:
        department = user.department
        cached = set(
            Department.objects.filter(Q(pk=department.pk) | Q(path__startswith=department.path)).values_list(
                "pk", flat=True
            )
        )
        user._scope_department_ids = cached
    return cached


def filter_by_department(qs: QuerySet, user: Any, field: str = "department") -> QuerySet:
    """Restrict `qs` to rows whose `field` (a Department FK path) lies in the user's scope."""
    ids = department_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})
