"""Who may see and do what in supervision. Data scope only through org.scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
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


def _role(allowed: bool) -> None:
    """A role that never sees items of this kind: a refusal (403), whether or not the item exists."""
    if not allowed:
        raise PermissionDenied


def _in_scope(obj: Any, visible: bool = True) -> Any:
    """An item that does not exist or lies outside the user's departments: not found (404)."""
    if obj is None or not visible:
        raise Http404
    return obj


def access_order(user: Any, pk: int):
    from .models import SupervisionOrder

    _role(can_view_supervision(user))
    qs = SupervisionOrder.objects.select_related("department", "issued_by", "target_type")
    obj = qs.filter(pk=pk).first()
    return _in_scope(obj, obj is not None and sees(user, obj.department_id))


def access_instruction(user: Any, pk: int):
    from .models import Instruction

    _role(can_view_supervision(user))
    obj = Instruction.objects.select_related("department", "leader", "target_type").filter(pk=pk).first()
    return _in_scope(obj, obj is not None and sees(user, obj.department_id))


def access_finding(user: Any, pk: int):
    from .models import Finding

    _role(can_view_supervision(user))
    obj = Finding.objects.select_related("department", "inspection").filter(pk=pk).first()
    return _in_scope(obj, obj is not None and sees(user, obj.department_id))


def access_inspection(user: Any, pk: int):
    from .models import Inspection

    _role(can_view_inspection(user))
    return _in_scope(Inspection.objects.select_related("created_by").filter(pk=pk).first())


def access_case(user: Any, pk: int):
    from .models import TypicalCase

    _role(can_view_cases(user))
    return _in_scope(TypicalCase.objects.prefetch_related("departments").filter(pk=pk).first())


def access_reminder(user: Any, pk: int):
    from .models import Reminder

    _role(can_view_supervision(user))
    obj = Reminder.objects.select_related("content_type").filter(pk=pk).first()
    return _in_scope(obj, obj is not None and sees(user, obj.department_id))


def finding_files_visible(user: Any, item: Any) -> bool:
    return can_view_inspection(user) or can_view_item(user, item)
