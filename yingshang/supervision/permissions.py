"""Who may see and do what in supervision. Data scope only through org.scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from yingshang.org import roles as r
from yingshang.org.scope import department_ids


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def in_department(user: Any, obj: Any) -> bool:
    """The user works in the item's department (or a parent of it) — for the department's own actions."""
    if not _authed(user) or not (user.role_codes & r.DEPARTMENT_ROLES):
        return False
    ids = department_ids(user)
    return ids is not None and obj.department_id in ids


PREDICATES = {"in_department": in_department}


def sees(user: Any, department_id: int | None) -> bool:
    ids = department_ids(user)
    return ids is None or (department_id is not None and department_id in ids)


def can_view_supervision(user: Any) -> bool:
    return _authed(user) and bool(user.role_codes & (r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES))


def can_issue_order(user: Any) -> bool:
    return _authed(user) and user.has_role(r.OFFICE)


can_remind = can_issue_order


def can_write_instruction(user: Any) -> bool:
    return _authed(user) and user.has_role(r.LEADER, r.OFFICE)


def can_record_inspection(user: Any) -> bool:
    return _authed(user) and user.has_role(r.INSPECTOR)


def can_view_inspection(user: Any, inspection: Any = None) -> bool:
    """Inspections (covert ones especially) are for the city-wide roles; departments see their findings."""
    return _authed(user) and bool(user.role_codes & r.CITY_WIDE_ROLES)


def can_record_case(user: Any) -> bool:
    return _authed(user) and user.has_role(r.DISCIPLINE)


def can_view_cases(user: Any) -> bool:
    return _authed(user) and bool(user.role_codes & r.CITY_WIDE_ROLES)


def can_see_case_names(user: Any) -> bool:
    return _authed(user) and user.has_role(r.DISCIPLINE, r.OFFICE)


def can_view_item(user: Any, obj: Any) -> bool:
    return can_view_supervision(user) and sees(user, obj.department_id)


def access_order(user: Any, pk: int):
    from .models import SupervisionOrder

    obj = (
        SupervisionOrder.objects.select_related("department", "issued_by", "target_type")
        .filter(pk=pk)
        .first()
    )
    if obj is None or not can_view_item(user, obj):
        raise Http404
    return obj


def access_instruction(user: Any, pk: int):
    from .models import Instruction

    obj = Instruction.objects.select_related("department", "leader", "target_type").filter(pk=pk).first()
    if obj is None or not can_view_item(user, obj):
        raise Http404
    return obj


def access_finding(user: Any, pk: int):
    from .models import Finding

    obj = Finding.objects.select_related("department", "inspection").filter(pk=pk).first()
    if obj is None or not can_view_item(user, obj):
        raise Http404
    return obj


def access_inspection(user: Any, pk: int):
    from .models import Inspection

    obj = Inspection.objects.select_related("created_by").filter(pk=pk).first()
    if obj is None or not can_view_inspection(user, obj):
        raise Http404
    return obj


def access_case(user: Any, pk: int):
    from .models import TypicalCase

    obj = TypicalCase.objects.prefetch_related("departments").filter(pk=pk).first()
    if obj is None or not can_view_cases(user):
        raise Http404
    return obj


def finding_files_visible(user: Any, item: Any) -> bool:
    return can_view_inspection(user) or can_view_item(user, item)
