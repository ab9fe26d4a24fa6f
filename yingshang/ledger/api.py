"""Ledger API: the same scope and predicates as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from yingshang.core.errors import PermissionRefused

from . import permissions as perms
from . import selectors, services

router = Router(tags=["台账"])


class TaskOut(Schema):
    id: int
    serial: str
    title: str
    document_id: int
    category: str | None
    leads: list[str]
    co_departments: list[str]
    deadline: date | None
    ongoing: bool
    cycle: str
    state: str
    state_label: str
    percent: int
    warning: str | None
    report_missing: bool
    last_report_on: date | None
    closed_on: date | None
    version: int


class TaskPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TaskOut]


class ReportOut(Schema):
    id: int
    period_start: date
    department: str
    text: str
    percent: int
    metric_value: Decimal | None
    problems: str
    next_steps: str
    coordination: str
    is_late: bool
    status: str
    submitted_at: datetime


class TaskDetailOut(TaskOut):
    metric: str
    target_value: Decimal | None
    unit: str
    reports: list[ReportOut]


class ReportIn(Schema):
    text: str
    percent: int
    metric_value: Decimal | None = None
    problems: str = ""
    next_steps: str = ""
    coordination: str = ""
    version: int | None = None


class TaskQuery(Schema):
    document: int | None = None
    department: int | None = None
    category: int | None = None
    state: str = ""
    warning: str = ""
    missing: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    q: str = ""
    priority: bool = False
    page: int = 1
    page_size: int = 50


def _out(row: selectors.TaskRow) -> dict:
    t = row.task
    return {
        "id": t.pk,
        "serial": t.serial,
        "title": t.title,
        "document_id": t.document_id,
        "category": t.category.name if t.category else None,
        "leads": row.leads,
        "co_departments": row.cos,
        "deadline": t.deadline,
        "ongoing": t.ongoing,
        "cycle": t.cycle,
        "state": t.state,
        "state_label": row.state_label,
        "percent": t.percent,
        "warning": row.level if row.active else None,
        "report_missing": bool(row.missed),
        "last_report_on": t.last_report_on,
        "closed_on": t.closed_on,
        "version": t.version,
    }


def _reader(request: HttpRequest) -> None:
    if not perms.can_read_ledger(request.user):
        raise PermissionRefused("您的角色不能查看台账。", code="ledger.reader_only")


@router.get("/tasks", response=TaskPage, summary="任务清单（按权限范围，支持筛选）")
def list_tasks(request: HttpRequest, params: Query[TaskQuery]):
    _reader(request)
    raw = params.dict()
    raw = {k: ("1" if v is True else "" if v in (None, False) else str(v)) for k, v in raw.items()}
    filters = selectors.TaskFilters.from_query(raw)
    size = max(1, min(params.page_size, 200))
    page = max(1, params.page)
    qs = selectors.task_list(request.user, filters)
    rows = selectors.task_rows(qs[(page - 1) * size : page * size])
    return {"count": qs.count(), "page": page, "page_size": size, "results": [_out(r) for r in rows]}


def _detail(request: HttpRequest, task_id: int) -> dict:
    task = perms.access_task(request.user, task_id)
    row = selectors.task_rows(selectors.task_list(request.user).filter(pk=task.pk))[0]
    reports = selectors.task_detail(task)["reports"]
    return {
        **_out(row),
        "metric": task.metric,
        "target_value": task.target_value,
        "unit": task.unit,
        "reports": [
            {
                "id": r.pk,
                "period_start": r.period_start,
                "department": r.department.name,
                "text": r.text,
                "percent": r.percent,
                "metric_value": r.metric_value,
                "problems": r.problems,
                "next_steps": r.next_steps,
                "coordination": r.coordination,
                "is_late": r.is_late,
                "status": r.status,
                "submitted_at": r.submitted_at,
            }
            for r in reports
        ],
    }


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="任务详情")
def task_detail(request: HttpRequest, task_id: int):
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/reports", response={201: TaskDetailOut}, summary="提交进度反馈（牵头单位）")
def submit_report(request: HttpRequest, task_id: int, payload: ReportIn):
    task = perms.access_task(request.user, task_id)
    services.progress_report_submit(
        actor=request.user,
        task=task,
        text=payload.text,
        percent=payload.percent,
        metric_value=payload.metric_value,
        problems=payload.problems,
        next_steps=payload.next_steps,
        coordination=payload.coordination,
        seen_version=payload.version,
    )
    return Status(201, _detail(request, task_id))
