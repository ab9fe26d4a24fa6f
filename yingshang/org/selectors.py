"""Reads for the management pages. Departments and accounts are seen only by the admin duties that keep
them (see permissions.py); every other role reads departments through `scope`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

from . import roles as r
from .models import AdminChangeRequest, ApiToken, Department, User


@dataclass(frozen=True)
class TreeRow:
    department: Department
    depth: int


def department_tree(*, q: str = "", active: str = "") -> list[TreeRow]:
    """Departments in tree order (each parent followed by its sub-units), optionally filtered."""
    qs = Department.objects.select_related("parent").order_by("sort_order", "code")
    if active in {"1", "0"}:
        qs = qs.filter(is_active=active == "1")
    rows = list(qs)
    if q:
        q = q.strip()
        rows = [d for d in rows if q in d.code or any(q in n for n in d.all_names())]
    by_parent: dict[int | None, list[Department]] = {}
    ids = {d.pk for d in rows}
    for d in rows:
        parent_id = d.parent_id if d.parent_id in ids else None
        by_parent.setdefault(parent_id, []).append(d)
    out: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for d in by_parent.get(parent_id, []):
            out.append(TreeRow(d, depth))
            walk(d.pk, depth + 1)

    walk(None, 0)
    return out


def department_choices(*, exclude_subtree_of: Department | None = None) -> list[tuple[int, str]]:
    """(pk, indented name) in tree order; a department's own subtree is left out when moving it."""
    prefix = exclude_subtree_of.path if exclude_subtree_of is not None else None
    return [
        (row.department.pk, "　" * row.depth + row.department.name)
        for row in department_tree()
        if prefix is None or not row.department.path.startswith(prefix)
    ]


def user_list(
    *, q: str = "", department: int | None = None, role: str = "", status: str = ""
) -> QuerySet[User]:
    qs = User.objects.select_related("department").order_by("department__sort_order", "username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    if department:
        root = Department.objects.filter(pk=department).first()
        qs = (
            qs.filter(Q(department_id=department) | Q(department__path__startswith=root.path))
            if root
            else qs.none()
        )
    if role in r.ROLE_BITS:
        bit = r.ROLE_BITS[role]
        qs = qs.annotate(role_bit=F("roles").bitand(bit)).filter(role_bit=bit)
    elif role == "pending":
        qs = qs.filter(pending_roles__gt=0)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "disabled":
        qs = qs.filter(is_active=False)
    return qs


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of `usernames` are locked out now (enough recent failures within the cool-off)."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def token_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "user__department").order_by("revoked_at", "-created_at")


def token_holders() -> QuerySet[User]:
    """Accounts a token may represent: active business accounts (never an admin duty)."""
    return User.objects.filter(is_active=True, roles__gt=0, roles__lt=r.ADMIN_BITS_FLOOR).order_by("username")


def filters_summary(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in ("", None)}


def admin_changes(*, state: str = AdminChangeRequest.State.PENDING) -> QuerySet[AdminChangeRequest]:
    """Two-person proposals in one state (the admin duties' to-do list when pending), newest first."""
    return AdminChangeRequest.objects.filter(state=state).select_related(
        "target", "proposed_by", "decided_by"
    )
