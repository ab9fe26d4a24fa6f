"""Who may do what in the assessment. Pages, API and commands use these predicates only."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from yingshang.org import roles as r
from yingshang.org.scope import department_ids

from . import workflow as wf
from .models import AssessmentRun, DepartmentResult, Objection

VISIBLE_TO_DEPARTMENTS = {wf.PUBLICITY, wf.PUBLISHED}
VIEWERS = r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES


def _roles(user: Any) -> frozenset[str]:
    return user.role_codes if getattr(user, "is_authenticated", False) else frozenset()


def is_office(user: Any) -> bool:
    return r.OFFICE in _roles(user)


def can_manage(user: Any) -> bool:
    return is_office(user)


def can_view_assessment(user: Any) -> bool:
    return bool(_roles(user) & VIEWERS)


def can_view_run(user: Any, run: AssessmentRun) -> bool:
    roles = _roles(user)
    if r.OFFICE in roles:
        return True
    if roles & r.CITY_WIDE_ROLES:
        return run.state != wf.DRAFT
    if roles & r.DEPARTMENT_ROLES:
        return run.state in VISIBLE_TO_DEPARTMENTS
    return False


def can_view_result(user: Any, result: DepartmentResult) -> bool:
    """Per-indicator detail: city-wide roles for any department; a department for itself."""
    if not can_view_run(user, result.run):
        return False
    ids = department_ids(user)
    return ids is None or result.department_id in ids


def can_view_department_items(user: Any, department_id: int) -> bool:
    if not can_view_assessment(user):
        return False
    ids = department_ids(user)
    return ids is None or department_id in ids


def can_object(user: Any, run: AssessmentRun) -> bool:
    return bool(_roles(user) & r.DEPARTMENT_ROLES) and run.state == wf.PUBLICITY


def can_view_objection(user: Any, objection: Objection) -> bool:
    if is_office(user) or (_roles(user) & r.CITY_WIDE_ROLES and objection.run.state != wf.DRAFT):
        return True
    ids = department_ids(user)
    return ids is not None and objection.department_id in ids


def can_view_monitoring(user: Any) -> bool:
    return can_view_assessment(user)


def access_run(user: Any, pk: int) -> AssessmentRun:
    run = AssessmentRun.objects.select_related("indicator_set").filter(pk=pk).first()
    if run is None or not can_view_run(user, run):
        raise Http404
    return run


def access_result(user: Any, run: AssessmentRun, department_id: int) -> DepartmentResult:
    result = (
        DepartmentResult.objects.select_related("run").filter(run=run, department_id=department_id).first()
    )
    if result is None or not can_view_result(user, result):
        raise Http404
    return result


def access_objection(user: Any, pk: int) -> Objection:
    obj = Objection.objects.select_related("run", "department", "submitted_by").filter(pk=pk).first()
    if obj is None or not can_view_objection(user, obj):
        raise Http404
    return obj


def _objection_download(user: Any, objection: Objection) -> bool:
    return can_view_objection(user, objection)
