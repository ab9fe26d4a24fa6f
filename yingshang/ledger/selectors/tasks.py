"""The ledger's tasks as each user may see them, already scoped: liaisons and department heads see the tasks where their
department (or a sub-unit) is a lead or cooperating department; office, leader, inspector and discipline
see all. Warning filters are database comparisons of the stored threshold dates with today."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.org.scope import department_ids

from .. import warnings as w
from .. import workflow as wf
from ..models import (
    Category,
    CloseOutRequest,
    Contribution,
    Cycle,
    ExtensionRequest,
    PolicyDocument,
    ProgressReport,
    SavedFilter,
    Task,
    TaskDepartment,
)

SCOPE_ID_LIMIT = 5000


def scoped_tasks(user: Any) -> QuerySet[Task]:
    roles: frozenset[str] = (
        getattr(user, "role_codes", frozenset()) if getattr(user, "is_authenticated", False) else frozenset()
    )
    if roles & r.CITY_WIDE_ROLES:
        return Task.objects.all()
    if not roles & r.DEPARTMENT_ROLES:
        return Task.objects.none()
    return Task.objects.filter(of_departments(department_ids(user) or set()))


def of_departments(ids: Iterable[int]) -> Q:
    """Tasks linked to these departments. A department has hundreds to a few thousand tasks: fetching their
    ids first (an index-only scan) lets the database read just those rows by primary key, where the subquery
    made PostgreSQL hash-join against a scan of the whole table."""
    links = TaskDepartment.objects.filter(department_id__in=list(ids)).values_list("task_id", flat=True)
    task_ids = list(links[: SCOPE_ID_LIMIT + 1])
    if len(task_ids) <= SCOPE_ID_LIMIT:
        return Q(id__in=task_ids)
    return Q(id__in=links)


def warning_q(level: str, on: date) -> Q:
    red = Q(red_at__lte=on)
    yellow = Q(yellow_at__lte=on) & (Q(red_at__isnull=True) | Q(red_at__gt=on))
    if level == w.RED:
        return red
    if level == w.YELLOW:
        return yellow
    if level == w.GREEN:
        return (
            Q(state__in=wf.OPEN)
            & (Q(yellow_at__isnull=True) | Q(yellow_at__gt=on))
            & (Q(red_at__isnull=True) | Q(red_at__gt=on))
        )
    return Q()


def due_by_q(on: date) -> Q:
    """应销号 by the end of `on` (the dashboard's 销号进度 and the list behind it): a fixed deadline by then,
    neither cancelled nor ongoing."""
    return Q(deadline__lte=on, ongoing=False) & ~Q(state=wf.CANCELLED)


def closed_by_q(on: date) -> Q:
    """已销号 by the end of `on`: due by then and closed by then."""
    return due_by_q(on) & Q(closed_on__lte=on)


@dataclass
class TaskFilters:
    document: int | None = None
    department: int | None = None
    lead: int | None = None  # the primary lead department only, as the dashboard's charts count
    category: int | None = None
    state: str = ""
    warning: str = ""
    missing: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    due_by: date | None = None
    closed_by: date | None = None
    keyword: str = ""
    priority: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    FIELDS = (
        "document",
        "department",
        "lead",
        "category",
        "state",
        "warning",
        "missing",
        "deadline_from",
        "deadline_to",
        "due_by",
        "closed_by",
        "q",
        "priority",
    )

    @classmethod
    def from_query(cls, params: QueryDict | dict[str, Any]) -> TaskFilters:
        f = cls()

        def integer(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return int(raw)
            except ValueError:
                f.errors[name] = "取值无效"
                return None

        def day(name: str) -> date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                f.errors[name] = "日期格式应为 YYYY-MM-DD"
                return None

        f.document = integer("document")
        f.department = integer("department")
        f.lead = integer("lead")
        f.category = integer("category")
        state = (params.get("state") or "").strip()
        f.state = state if state in wf.TASK_STATES or state == OPEN_FILTER else ""
        warning = (params.get("warning") or "").strip()
        f.warning = warning if warning in w.LEVEL_LABELS else ""
        f.missing = (params.get("missing") or "") in {"1", "on", "true"}
        f.deadline_from = day("deadline_from")
        f.deadline_to = day("deadline_to")
        f.due_by = day("due_by")
        f.closed_by = day("closed_by")
        f.keyword = (params.get("q") or "").strip()[:100]
        f.priority = (params.get("priority") or "") in {"1", "on", "true"}
        return f

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("document", "department", "lead", "category", "state", "warning", "keyword"):
            if getattr(self, key) not in (None, ""):
                out[key] = getattr(self, key)
        for key in ("deadline_from", "deadline_to", "due_by", "closed_by"):
            if getattr(self, key):
                out[key] = str(getattr(self, key))
        if self.missing:
            out["missing"] = True
        if self.priority:
            out["priority"] = True
        return out


SERIAL = re.compile(r"[0-9]+(?:[.．-][0-9]+)*")


OPEN_FILTER = "open"  # the list's "未销号" choice: every active state


def _state_q(state: str) -> Q:
    if state == OPEN_FILTER:
        return Q(state__in=wf.ACTIVE)
    return Q(state=state) if state else Q()


def _keyword_q(keyword: str) -> Q:
    """A 序号 ("3", "12.4") matches the serial; anything else searches the title (trigram index on PG)."""
    if not keyword:
        return Q()
    return Q(serial=keyword) if SERIAL.fullmatch(keyword) else Q(title__icontains=keyword)


def filter_tasks(qs: QuerySet[Task], f: TaskFilters, on: date | None = None) -> QuerySet[Task]:
    on = on or timezone.localdate()
    simple = {
        "document_id": f.document,
        "primary_lead_id": f.lead,
        "deadline__gte": f.deadline_from,
        "deadline__lte": f.deadline_to,
        "is_priority": True if f.priority else None,
        "missing_at__lte": on if f.missing else None,
    }
    qs = qs.filter(_state_q(f.state), _keyword_q(f.keyword), **{k: v for k, v in simple.items() if v})
    if f.department:
        qs = qs.filter(of_departments([f.department]))
    if f.category is not None:
        # 0 is 未分类, as the dashboard's chart counts it.
        qs = qs.filter(category_id=f.category) if f.category else qs.filter(category__isnull=True)
    if f.warning:
        qs = qs.filter(warning_q(f.warning, on))
    for day, rule in ((f.due_by, due_by_q), (f.closed_by, closed_by_q)):
        if day:
            qs = qs.filter(rule(day))
    return qs


def task_list(user: Any, f: TaskFilters | None = None) -> QuerySet[Task]:
    """The ledger list in the office's order (document, then 序号); `task_rows` adds the departments."""
    qs = filter_tasks(scoped_tasks(user), f or TaskFilters())
    return qs.select_related("primary_lead", "category", "document").order_by(
        "document_id", "sort_order", "id"
    )


def my_tasks(user: Any) -> QuerySet[Task]:
    """我的任务: active tasks where the user's department leads, most urgent first."""
    ids = department_ids(user)
    if ids is None:
        qs = Task.objects.none()
    else:
        qs = Task.objects.filter(
            id__in=TaskDepartment.objects.filter(department_id__in=ids, role=TaskDepartment.Role.LEAD).values(
                "task_id"
            ),
            state__in=wf.ACTIVE,
        )
    return qs.select_related("primary_lead", "category", "document").order_by(
        "red_at", "yellow_at", "deadline", "id"
    )


def co_tasks(user: Any) -> QuerySet[Task]:
    ids = department_ids(user)
    if ids is None:
        return Task.objects.none()
    return (
        Task.objects.filter(
            id__in=TaskDepartment.objects.filter(department_id__in=ids, role=TaskDepartment.Role.CO).values(
                "task_id"
            ),
            state__in=wf.ACTIVE,
        )
        .select_related("primary_lead", "document")
        .order_by("deadline", "id")
    )


@dataclass
class TaskRow:
    """One ledger row as shown on screen and exported."""

    task: Task
    leads: list[str]
    cos: list[str]
    level: str
    missed: int

    @property
    def active(self) -> bool:
        """Open tasks carry a warning; under review, closed or cancelled ones do not."""
        return self.task.state in wf.OPEN

    @property
    def level_label(self) -> str:
        return w.LEVEL_LABELS[self.level] if self.active else "—"

    @property
    def state_label(self) -> str:
        return wf.TASK_STATES.get(self.task.state, self.task.state)

    @property
    def deadline_display(self) -> str:
        t = self.task
        if t.ongoing:
            return t.deadline_text or f"长期坚持（{Cycle(t.cycle).label}反馈）"
        return f"{t.deadline:%Y-%m-%d}" if t.deadline else t.deadline_text


def task_rows(tasks: Any, on: date | None = None) -> list[TaskRow]:
    """Rows for a page (or chunk) of tasks, with lead and cooperating department names in one query.
    (A Prefetch would clone a queryset per task, which costs more than the query itself.)"""
    on = on or timezone.localdate()
    tasks = list(tasks)
    names: dict[int, tuple[list[str], list[str]]] = {t.pk: ([], []) for t in tasks}
    if tasks:
        rows = (
            TaskDepartment.objects.filter(task_id__in=list(names))
            .order_by("task_id", "sort_order", "id")
            .values_list("task_id", "role", "department__short_name", "department__name")
        )
        for task_id, role, short, name in rows:
            names[task_id][0 if role == TaskDepartment.Role.LEAD else 1].append(short or name)
    out = []
    for task in tasks:
        leads, cos = names[task.pk]
        missed = 1 if task.missing_at and task.missing_at <= on else 0
        out.append(TaskRow(task, leads, cos, w.level(task.yellow_at, task.red_at, on), missed))
    return out


EXPORT_HEADERS = [
    "序号",
    "重点任务/具体措施",
    "牵头单位",
    "配合单位",
    "完成时限",
    "类别",
    "状态",
    "完成进度（%）",
    "预警",
    "最近反馈日期",
    "销号日期",
]


def export_row(row: TaskRow) -> list[Any]:
    t = row.task
    return [
        t.serial,
        t.title,
        "、".join(row.leads),
        "、".join(row.cos),
        row.deadline_display,
        t.category.name if t.category else "",
        row.state_label,
        t.percent,
        row.level_label,
        t.last_report_on,
        t.closed_on,
    ]


def task_detail(task: Task) -> dict[str, Any]:
    """Everything the task page shows, in a fixed number of queries."""
    from yingshang.core.events import timeline_for

    departments = list(task.task_departments.select_related("department").order_by("sort_order", "id"))
    reports = list(
        ProgressReport.objects.filter(task=task)
        .select_related("department", "submitted_by")
        .order_by("-period_start", "-id")
    )
    # The task's contributions in one query: those folded into a report go with it, the rest wait.
    folded: dict[int, list[Contribution]] = defaultdict(list)
    waiting: list[Contribution] = []
    for c in Contribution.objects.filter(task=task).select_related("department", "submitted_by"):
        if c.report_id is None:
            waiting.append(c)
        else:
            folded[c.report_id].append(c)
    extensions = list(task.extensions.select_related("requested_by", "decided_by"))
    for extension in extensions:
        extension.state_label = wf.EXTENSION.label(extension.state)  # type: ignore[attr-defined]
    for report in reports:
        report.period_text = w.period_label(report.period_start, task.cycle)  # type: ignore[attr-defined]
        report.folded = folded.get(report.pk, [])  # type: ignore[attr-defined]
    return {
        "leads": [d for d in departments if d.role == TaskDepartment.Role.LEAD],
        "cos": [d for d in departments if d.role == TaskDepartment.Role.CO],
        "reports": reports,
        "open_contributions": waiting,
        "close_outs": list(task.close_outs.select_related("requested_by", "reviewed_by", "head_by")),
        "extensions": extensions,
        "milestones": list(task.milestones.all()),
        "timeline": list(timeline_for(task)),
    }


def review_queue(user: Any) -> QuerySet[Task]:
    """待审核: for the office, close-outs awaiting review; for a department head, the department's
    close-outs awaiting their approval."""
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    if r.OFFICE in roles:
        qs = Task.objects.filter(state=wf.CLOSE_REQUESTED)
    elif r.DEPT_HEAD in roles:
        ids = department_ids(user) or set()
        qs = Task.objects.filter(
            state=wf.HEAD_REVIEW,
            id__in=TaskDepartment.objects.filter(department_id__in=ids, role=TaskDepartment.Role.LEAD).values(
                "task_id"
            ),
        )
    else:
        return Task.objects.none()
    return qs.select_related("primary_lead", "document").order_by("id")


def pending_reports(user: Any) -> QuerySet[ProgressReport]:
    """Progress reports of the head's department waiting for their approval."""
    if r.DEPT_HEAD not in getattr(user, "role_codes", frozenset()):
        return ProgressReport.objects.none()
    ids = department_ids(user) or set()
    return (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.PENDING_HEAD,
            task_id__in=TaskDepartment.objects.filter(
                department_id__in=ids, role=TaskDepartment.Role.LEAD
            ).values("task_id"),
        )
        .select_related("task", "submitted_by")
        .order_by("submitted_at", "id")
    )


def pending_extensions(user: Any) -> QuerySet[ExtensionRequest]:
    if r.OFFICE not in getattr(user, "role_codes", frozenset()):
        return ExtensionRequest.objects.none()
    return (
        ExtensionRequest.objects.filter(state=wf.EXT_PENDING)
        .select_related("task", "task__primary_lead", "requested_by")
        .order_by("requested_at")
    )


def pending_close_outs(tasks: Iterable[Task]) -> dict[int, CloseOutRequest]:
    """{task id: its pending close-out request} for the review queue."""
    return {
        c.task_id: c
        for c in CloseOutRequest.objects.filter(task__in=list(tasks), outcome=CloseOutRequest.Outcome.PENDING)
    }


def files_for_reports(reports: list[ProgressReport]) -> dict[int, list[Any]]:
    """{report id: its evidence files}, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from yingshang.core.models import Attachment

    if not reports:
        return {}
    ct = ContentType.objects.get_for_model(reports[0])
    out: dict[int, list[Any]] = {}
    for a in Attachment.objects.filter(
        content_type=ct, object_id__in=[report.pk for report in reports]
    ).order_by("id"):
        out.setdefault(a.object_id, []).append(a)
    return out


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).only("id", "name")


def my_task_groups(user: Any, today: date) -> dict[str, list[dict[str, Any]]]:
    """我的任务 in three groups — late (red), due (yellow), other — each task with its level, state, missed
    reports and the cycle now owed."""
    groups: dict[str, list[dict[str, Any]]] = {"late": [], "due": [], "other": []}
    rules = w.Rules.current()
    for task in my_tasks(user)[:500]:
        is_open = task.state in wf.OPEN
        level = w.level(task.yellow_at, task.red_at, today) if is_open else ""
        owed = w.due_report_period(
            cycle=task.cycle, start_date=task.start_date, last_period=task.last_period, on=today
        )
        item = {
            "task": task,
            "level": level,
            "state_label": wf.TASK_STATES.get(task.state, task.state),
            "missed": w.missed_count(**w.facts(task), on=today, rules=rules),
            "period": w.period_label(owed, task.cycle) if is_open else "",
        }
        groups["late" if level == w.RED else "due" if level == w.YELLOW else "other"].append(item)
    return groups


def categories(active_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def documents(user: Any) -> QuerySet[PolicyDocument]:
    if not getattr(user, "is_authenticated", False):
        return PolicyDocument.objects.none()
    roles = user.role_codes
    if roles & r.CITY_WIDE_ROLES:
        qs = PolicyDocument.objects.all()
    else:
        qs = PolicyDocument.objects.filter(id__in=scoped_tasks(user).values("document_id"))
    return qs.annotate(
        task_total=Count("tasks", distinct=True),
        task_closed=Count("tasks", filter=Q(tasks__state=wf.CLOSED), distinct=True),
    )


def task_by_source_key(source_key: str) -> Task | None:
    return Task.objects.filter(source_key=source_key).first()


def saved_filters(user: Any) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user)


def departments_for_filter(user: Any) -> QuerySet[Department]:
    ids = department_ids(user)
    qs = Department.objects.filter(is_active=True)
    return qs if ids is None else qs.filter(pk__in=ids)


def pending_close_out(task: Task) -> CloseOutRequest | None:
    return CloseOutRequest.objects.filter(task=task, outcome=CloseOutRequest.Outcome.PENDING).first()


def document_number_used(number: str) -> bool:
    """Whether a policy document recorded in the ledger carries this 文号 (numbering elsewhere must skip it)."""
    return PolicyDocument.objects.filter(doc_number=number.strip()).exists()
