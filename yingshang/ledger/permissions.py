"""Who may see and do what in the ledger. Lead departments own reports and close-out; cooperating
departments see the task and contribute; office staff curate and review; city-wide roles read."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.org.scope import department_ids

from .models import CloseOutRequest, Task, TaskDepartment
from .workflow import ACTIVE, OPEN

M = TypeVar("M", bound=models.Model)


def _roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.role_codes


def task_department_roles(task: Task) -> dict[int, str]:
    """{department id: "lead" | "co"}, loaded once per task object."""
    cached = getattr(task, "_department_roles", None)
    if cached is None:
        cached = dict(TaskDepartment.objects.filter(task=task).values_list("department_id", "role"))
        task._department_roles = cached  # type: ignore[attr-defined]
    return cached


def _my_roles_on(user: Any, task: Task) -> set[str]:
    if not (_roles(user) & r.DEPARTMENT_ROLES):
        return set()
    ids = department_ids(user) or set()
    return {role for dept, role in task_department_roles(task).items() if dept in ids}


def is_lead(user: Any, task: Task) -> bool:
    return TaskDepartment.Role.LEAD in _my_roles_on(user, task)


def is_co(user: Any, task: Task) -> bool:
    return TaskDepartment.Role.CO in _my_roles_on(user, task)


def can_view_task(user: Any, task: Task) -> bool:
    if _roles(user) & r.CITY_WIDE_ROLES:
        return True
    return bool(_my_roles_on(user, task))


def can_report_progress(user: Any, task: Task) -> bool:
    return task.state in ACTIVE and is_lead(user, task)


def can_contribute(user: Any, task: Task) -> bool:
    return task.state in ACTIVE and is_co(user, task)


def can_request_extension(user: Any, task: Task) -> bool:
    return task.state in OPEN and not task.ongoing and is_lead(user, task)


def can_manage_ledger(user: Any) -> bool:
    return r.OFFICE in _roles(user)


def can_review(user: Any) -> bool:
    """The review queue: the office and the department heads."""
    return bool(_roles(user) & {r.OFFICE, r.DEPT_HEAD})


def can_read_ledger(user: Any) -> bool:
    return bool(_roles(user) & (r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES))


def _pending_kind(task: Task) -> str | None:
    cached = getattr(task, "_pending_close_kind", "unset")
    if cached == "unset":
        cached = (
            CloseOutRequest.objects.filter(task=task, outcome=CloseOutRequest.Outcome.PENDING)
            .values_list("kind", flat=True)
            .first()
        )
        task._pending_close_kind = cached  # type: ignore[attr-defined]
    return cached


def predicates() -> dict[str, Any]:
    head_on = bool(get_setting("ledger_head_approval"))
    return {
        "is_lead": is_lead,
        "is_lead_without_head_approval": lambda u, t: not head_on and is_lead(u, t),
        "is_lead_with_head_approval": lambda u, t: head_on and is_lead(u, t),
        "final_request": lambda u, t: _pending_kind(t) == CloseOutRequest.Kind.FINAL,
        "annual_request": lambda u, t: _pending_kind(t) == CloseOutRequest.Kind.ANNUAL,
    }


def access_task(user: Any, pk: int) -> Task:
    """The task if `user` may see it; 404 otherwise (a guessed id gives nothing away)."""
    task = (
        Task.objects.select_related("primary_lead", "category", "document", "measure").filter(pk=pk).first()
    )
    if task is None or not can_view_task(user, task):
        raise Http404
    return task


def access_on_task(user: Any, model: type[M], pk: int) -> M:
    """A row that belongs to a task (a report, an extension, a time node) if `user` may see the task."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    access_task(user, obj.task_id)  # type: ignore[attr-defined]
    return obj


def can_view_attachment_item(user: Any, item: Any) -> bool:
    task = item if isinstance(item, Task) else getattr(item, "task", None)
    return task is not None and can_view_task(user, task)
