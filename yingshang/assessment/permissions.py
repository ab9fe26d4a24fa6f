"""Who may do what in the assessment. Pages, API and commands use these predicates only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from yingshang.org import roles as r
from yingshang.org.scope import department_ids

from . import workflow as wf
from .models import AssessmentRun, Bulletin, DepartmentResult, EvaluationIndicator, Objection

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


def can_report_evaluation(user: Any, indicator: EvaluationIndicator) -> bool:
    """The office, or the department responsible for the indicator."""
    roles = _roles(user)
    if r.OFFICE in roles:
        return True
    ids = department_ids(user)
    return bool(roles & r.DEPARTMENT_ROLES) and ids is not None and indicator.department_id in ids


def can_download_bulletin(user: Any, run: AssessmentRun) -> bool:
    """The office always; other viewers once the run is published with a numbered bulletin."""
    return can_manage(user) or (
        can_view_assessment(user)
        and run.state == wf.PUBLISHED
        and Bulletin.objects.filter(run=run, serial__isnull=False).exists()
    )


def _role(allowed: bool) -> None:
    """A role that never sees the assessment: a refusal (403), whether or not the record exists."""
    if not allowed:
        raise PermissionDenied


def access_run(user: Any, pk: int) -> AssessmentRun:
    _role(can_view_assessment(user))
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
    _role(can_view_assessment(user))
    obj = Objection.objects.select_related("run", "department", "submitted_by").filter(pk=pk).first()
    if obj is None or not can_view_objection(user, obj):
        raise Http404
    return obj


def access_department_items(user: Any, department_id: int) -> None:
    """The records behind a department's figures: 403 for a role that sees no assessment, 404 for a
    department outside the user's scope."""
    _role(can_view_assessment(user))
    if not can_view_department_items(user, department_id):
        raise Http404


def access_indicator_report(user: Any, pk: int) -> EvaluationIndicator:
    """An evaluation indicator the user reports values for: the office, or its responsible department."""
    _role(bool(_roles(user) & ({r.OFFICE} | r.DEPARTMENT_ROLES)))
    indicator = EvaluationIndicator.objects.select_related("department").filter(pk=pk).first()
    if indicator is None or not can_report_evaluation(user, indicator):
        raise Http404
    return indicator


def _objection_download(user: Any, objection: Objection) -> bool:
    return can_view_objection(user, objection)
