"""Every read of supervision, already scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yingshang.org.models import Department
from yingshang.org.scope import filter_by_department

from . import permissions as perm
from .models import Finding, Inspection, Instruction, Reminder, SupervisionOrder, TypicalCase
from .workflow import FINDING_RECTIFIED, FINDING_UNRECTIFIED, ORDER_OPEN


def active_departments() -> QuerySet[Department]:
    """The units an order, instruction or finding may be given to, for the pages' choices."""
    return Department.objects.filter(is_active=True).order_by("sort_order", "code")


def instructions_for_item(item: Any) -> QuerySet[Instruction]:
    ct = ContentType.objects.get_for_model(item, for_concrete_model=False)
    return Instruction.objects.filter(target_type=ct, target_id=item.pk).select_related("department")


def _none_unless(qs: QuerySet, allowed: bool) -> QuerySet:
    return qs if allowed else qs.none()


# 在办: issued, signed or answered and not yet concluded (the dashboard's card and chart, and their list).
OPEN_ORDER_STATES = (*ORDER_OPEN, SupervisionOrder.State.ANSWERED)


def overdue_order_q(today: dt.date) -> Q:
    """逾期未答复: issued or signed, and the reply deadline has passed."""
    return Q(state__in=ORDER_OPEN, reply_deadline__lt=today)


def orders(
    user: Any, *, state: str = "", level: str = "", department: str = "", year: str = "", q: str = ""
) -> QuerySet[SupervisionOrder]:
    qs = SupervisionOrder.objects.select_related("department", "issued_by")
    qs = filter_by_department(_none_unless(qs, perm.can_view_supervision(user)), user)
    if state == "overdue":
        qs = qs.filter(overdue_order_q(timezone.localdate()))
    elif state == "open":
        qs = qs.filter(state__in=OPEN_ORDER_STATES)
    elif state:
        qs = qs.filter(state=state)
    if level:
        qs = qs.filter(level=level)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if q:
        qs = qs.filter(Q(target_label__icontains=q) | Q(requirement__icontains=q))
    return qs.order_by("-year", "-seq")


def orders_for_item(item: Any) -> QuerySet[SupervisionOrder]:
    ct = ContentType.objects.get_for_model(item, for_concrete_model=False)
    return SupervisionOrder.objects.filter(target_type=ct, target_id=item.pk).select_related("department")


def instructions(user: Any, *, state: str = "", department: str = "", q: str = "") -> QuerySet[Instruction]:
    qs = Instruction.objects.select_related("department", "leader")
    qs = filter_by_department(_none_unless(qs, perm.can_view_supervision(user)), user)
    if state:
        qs = qs.filter(state=state)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if q:
        qs = qs.filter(Q(content__icontains=q) | Q(target_label__icontains=q))
    return qs.order_by("-created_at", "-id")


def inspections(user: Any, *, mode: str = "", date_from: str = "", date_to: str = "") -> QuerySet[Inspection]:
    qs = _none_unless(Inspection.objects.select_related("created_by"), perm.can_view_inspection(user))
    qs = qs.annotate(finding_count=Count("findings"))
    if mode:
        qs = qs.filter(mode=mode)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-id")


def findings(
    user: Any, *, state: str = "", department: str = "", inspection: int | None = None
) -> QuerySet[Finding]:
    qs = Finding.objects.select_related("department", "inspection")
    qs = filter_by_department(_none_unless(qs, perm.can_view_supervision(user)), user)
    if state:
        qs = qs.filter(state=state)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if inspection is not None:
        qs = qs.filter(inspection_id=inspection)
    return qs.order_by("-created_at", "-id")


def cases(user: Any, *, state: str = "", action: str = "", year: str = "") -> QuerySet[TypicalCase]:
    qs = _none_unless(TypicalCase.objects.prefetch_related("departments"), perm.can_view_cases(user))
    if state:
        qs = qs.filter(state=state)
    if action:
        qs = qs.filter(action=action)
    if year.isdigit():
        qs = qs.filter(case_date__year=int(year))
    return qs.order_by("-case_date", "-id")


def reminders_for_item(item: Any) -> QuerySet[Reminder]:
    ct = ContentType.objects.get_for_model(item, for_concrete_model=False)
    return Reminder.objects.filter(content_type=ct, object_id=item.pk).order_by("-created_at", "-id")


def reminders(user: Any, *, kind: str = "", date_from: str = "", date_to: str = "") -> QuerySet[Reminder]:
    qs = Reminder.objects.select_related("department", "content_type", "created_by")
    qs = filter_by_department(_none_unless(qs, perm.can_view_supervision(user)), user)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(slot__gte=date_from)
    if date_to:
        qs = qs.filter(slot__lte=date_to)
    return qs.order_by("-created_at", "-id")


# --- for the assessment and the bulletin ---------------------------------------------------------------


def published_cases(period_start: dt.date, period_end: dt.date) -> list[dict[str, Any]]:
    """Published typical cases dated in [period_start, period_end], as the bulletin may print them:
    departments always named, people's names only where the case is marked printable."""
    from .services import case_people

    out = []
    qs = (
        TypicalCase.objects.filter(
            state=TypicalCase.State.PUBLISHED, case_date__gte=period_start, case_date__lte=period_end
        )
        .prefetch_related("departments")
        .order_by("case_date", "id")
    )
    for case in qs:
        people = case_people(case)
        out.append(
            {
                "id": case.pk,
                "title": case.title,
                "facts": case.facts,
                "case_date": case.case_date,
                "action": case.action,
                "action_label": case.get_action_display(),
                "action_detail": case.action_detail,
                "department_ids": sorted(d.pk for d in case.departments.all()),
                "departments": [d.name for d in case.departments.all()],
                "people": [p["name"] + (f"（{p['position']}）" if p.get("position") else "") for p in people]
                if case.names_printable
                else [],
                "people_count": len(people),
            }
        )
    return out


def findings_for_department(department_id: int, period_start: dt.date, period_end: dt.date) -> dict[str, int]:
    """Inspection findings against one department whose rectification deadline falls in the period:
    how many, how many closed, how many rectified (closed) by the deadline, how many still open past it."""
    qs = Finding.objects.filter(
        department_id=department_id,
        rectification_deadline__gte=period_start,
        rectification_deadline__lte=period_end,
    )
    today = timezone.localdate()
    rows = list(qs.values_list("state", "rectification_deadline", "reported_at"))
    total = len(rows)
    closed = sum(1 for s, _, _ in rows if s == Finding.State.CLOSED)
    on_time = sum(
        1 for s, d, rep in rows if s in FINDING_RECTIFIED and rep is not None and timezone.localdate(rep) <= d
    )
    overdue_open = sum(1 for s, d, _ in rows if s in FINDING_UNRECTIFIED and d < today)
    return {"total": total, "closed": closed, "rectified_on_time": on_time, "overdue_open": overdue_open}


def orders_for_department(department_id: int, period_start: dt.date, period_end: dt.date) -> dict[str, int]:
    """Supervision orders to one department whose reply deadline falls in the period: how many, how many were
    answered by the deadline, how many are concluded, how many are still unanswered past the deadline.
    Re-issued orders count once each (the new order has its own deadline)."""
    rows = list(
        SupervisionOrder.objects.filter(
            department_id=department_id, reply_deadline__gte=period_start, reply_deadline__lte=period_end
        ).values_list("state", "reply_deadline", "answered_at")
    )
    today = timezone.localdate()
    return {
        "total": len(rows),
        "answered_on_time": sum(1 for _, d, a in rows if a is not None and timezone.localdate(a) <= d),
        "concluded": sum(1 for s, _, _ in rows if s == SupervisionOrder.State.CONCLUDED),
        "overdue_open": sum(1 for s, d, _ in rows if s in ORDER_OPEN and d < today),
    }


def findings_of_inspection(inspection: Inspection) -> QuerySet[Finding]:
    return inspection.findings.select_related("department").order_by("id")
