"""Who may manage what: the three separated admin duties (三员分立). The system administrator keeps
departments and accounts, the security administrator grants roles and API tokens; nobody else does either."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from . import roles as r
from .models import ApiToken, Department, User


def _has(user: Any, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)


def can_manage_departments(user: Any) -> bool:
    return _has(user, r.SYSADMIN)


def can_include_in_assessment(user: Any) -> bool:
    """The office decides which units are ranked."""
    return _has(user, r.OFFICE)


def can_manage_accounts(user: Any) -> bool:
    return _has(user, r.SYSADMIN)


def can_assign_roles(user: Any) -> bool:
    return _has(user, r.SECADMIN)


def can_manage_tokens(user: Any) -> bool:
    return _has(user, r.SECADMIN)


def can_view_accounts(user: Any) -> bool:
    return can_manage_accounts(user) or can_assign_roles(user)


def access_department(user: Any, pk: int) -> Department:
    if not can_manage_departments(user):
        raise Http404
    return get_object_or_404(Department.objects.select_related("parent"), pk=pk)


def access_account(user: Any, pk: int) -> User:
    if not can_view_accounts(user):
        raise Http404
    return get_object_or_404(User.objects.select_related("department"), pk=pk)


def access_token(user: Any, pk: int) -> ApiToken:
    if not can_manage_tokens(user):
        raise Http404
    return get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)


def can_reset_factor(user: Any) -> bool:
    """Resetting someone's second factor is the security administrator's duty, not the system
    administrator's: the one who can reset passwords must not also be able to clear the factor."""
    return _has(user, r.SECADMIN)


def can_decide_admin_changes(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.role_codes & r.ADMIN_DUTIES)


def is_second_person(user: Any, change: Any) -> bool:
    """The confirmer of a two-person change is neither the one who proposed it nor the one it is about."""
    return user.pk not in (change.proposed_by_id, change.target_id)
