"""Every write to the ledger.

For the import (yingshang/ledger/importing/), the services to call are:

    policy_document_create(*, actor, title, doc_number="", issuer="", issued_on=None, source_file_name="",
                           source_file=None) -> PolicyDocument
    measure_create(*, actor, document, title, serial="", category=None, sort_order=0) -> Measure
    task_create(*, actor, measure, title, lead_departments, primary_lead=None, co_departments=(),
                deadline=None, ongoing=False, cycle=None, category=None, serial="", deadline_text="",
                metric="", target_value=None, unit="", is_priority=False, start_date=None,
                milestones=(), source_key=None, sort_order=0) -> Task
        `source_key` is a stable idempotency key (e.g. "<document key>:<row key>"), unique across tasks:
        find the existing row with `selectors.task_by_source_key(key)` before creating.
    task_adjust(*, actor, task, reason, changes, seen_version=None) -> Task
        office only, for an existing task whose imported row changed; `changes` may hold title, serial,
        deadline, deadline_text, ongoing, cycle, category, metric, target_value, unit, is_priority,
        lead_departments, primary_lead, co_departments.
    category_create(*, actor, code, name, sort_order=0) / selectors.categories()
    measure_create_many(*, actor, rows, labels=None) -> [Measure]
    task_create_many(*, actor, rows, labels=None, timeline_data=None, detail="") -> [Task]
        many at once (a 10,000-row plan): each row holds the keywords of measure_create / task_create and is
        built by the same rule (`_build_measure` / `_build_task`); multi-row inserts, a timeline line per
        task, one audit record per batch; `labels[i]` names row i in an error.

All of them run in one transaction each and may be nested in the import's own `transaction.atomic`
(commit all rows or none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core import bulk
from yingshang.core.errors import (
    ConcurrentChange,
    PermissionRefused,
    TransitionRefused,
    ValidationFailed,
    validation_error_fields,
)
from yingshang.core.events import record_timeline, record_timeline_many
from yingshang.core.office_settings import get_setting
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.workflow import apply_transition
from yingshang.org import roles as r
from yingshang.org.models import Department

from . import permissions as perms
from . import warnings as w
from . import workflow as wf
from .models import (
    Category,
    CloseOutRequest,
    Contribution,
    Cycle,
    ExportJob,
    ExtensionRequest,
    Measure,
    Milestone,
    PolicyDocument,
    ProgressReport,
    SavedFilter,
    Task,
    TaskDepartment,
)

EVIDENCE_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls", ".ofd"}


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc


def _require_office(actor: Any) -> None:
    if actor is not None and not perms.can_manage_ledger(actor):
        raise PermissionRefused("只有营商办可以维护台账。")


# --- dictionary and documents ---------------------------------------------------------------------


@transaction.atomic
def category_create(*, actor: Any, code: str, name: str, sort_order: int = 0) -> Category:
    _require_office(actor)
    category = Category(code=code.strip(), name=name.strip(), sort_order=sort_order)
    _full_clean(category)
    category.save()
    audit_record(actor=actor, action="category.create", obj=category, after={"code": code, "name": name})
    return category


@transaction.atomic
def category_update(*, actor: Any, category: Category, **fields: Any) -> Category:
    _require_office(actor)
    allowed = {"name", "sort_order", "is_active"}
    if set(fields) - allowed:
        raise ValidationFailed("不能修改该字段。")
    before = {k: getattr(category, k) for k in fields}
    for key, value in fields.items():
        setattr(category, key, value)
    _full_clean(category)
    category.save(update_fields=list(fields))
    audit_record(actor=actor, action="category.update", obj=category, before=before, after=fields)
    return category


@transaction.atomic
def policy_document_create(
    *,
    actor: Any,
    title: str,
    doc_number: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    source_file_name: str = "",
    source_file: Any = None,
) -> PolicyDocument:
    _require_office(actor)
    if source_file is not None:
        check_upload(source_file, allowed={".xlsx", ".xls", ".docx", ".pdf", ".doc", ".ofd"})
    document = PolicyDocument(
        title=title.strip(),
        doc_number=doc_number.strip(),
        issuer=issuer.strip(),
        issued_on=issued_on,
        source_file_name=(source_file_name or getattr(source_file, "name", "") or "")[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _full_clean(document, exclude=["created_by"])
    document.save()
    if source_file is not None:
        attachment_add(actor=actor, obj=document, uploaded=source_file, purpose="source")
    audit_record(
        actor=actor,
        action="policy_document.create",
        obj=document,
        after={"title": document.title, "doc_number": document.doc_number},
    )
    return document


def _build_measure(
    *,
    document: PolicyDocument,
    title: str,
    serial: str = "",
    category: Category | None = None,
    sort_order: int = 0,
) -> Measure:
    """The one rule for a new measure, shared by `measure_create` and `measure_create_many`. Unsaved."""
    measure = Measure(
        document=document,
        title=title.strip(),
        serial=str(serial).strip(),
        category_id=category.pk if category is not None else None,
        sort_order=sort_order,
    )
    try:
        measure.clean_fields(exclude=["document", "category"])
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc
    return measure


@transaction.atomic
def measure_create(
    *,
    actor: Any,
    document: PolicyDocument,
    title: str,
    serial: str = "",
    category: Category | None = None,
    sort_order: int = 0,
) -> Measure:
    _require_office(actor)
    measure = _build_measure(
        document=document, title=title, serial=serial, category=category, sort_order=sort_order
    )
    measure.save()
    audit_record(actor=actor, action="measure.create", obj=measure, after={"serial": measure.serial})
    return measure


@transaction.atomic
def measure_create_many(
    *, actor: Any, rows: Sequence[dict[str, Any]], labels: Sequence[str] | None = None
) -> list[Measure]:
    """Many measures at once (the import): `measure_create`'s keywords per row, one audit record."""
    _require_office(actor)
    measures = []
    for i, row in enumerate(rows):
        try:
            measures.append(_build_measure(**row))
        except ValidationFailed as exc:
            where = labels[i] if labels is not None else f"第{i + 1}条"
            labels_ = {f.name: f"措施{f.verbose_name}" for f in Measure._meta.fields}
            raise ValidationFailed(f"{where}，{_field_errors(exc, labels_)}", fields=exc.fields) from exc
    bulk.insert_returning_ids(measures)
    ids = [m.pk for m in measures]
    audit_record(
        actor=actor,
        action="measure.create_many",
        object_type="ledger.measure",
        object_id=f"{ids[0]}-{ids[-1]}" if ids else "",
        after={"count": len(ids)},
    )
    return measures


def _field_errors(exc: ValidationFailed, labels: dict[str, str] | None = None) -> str:
    """ "完成时限：请填写，或标记为长期任务。" from a ValidationFailed's fields, for a message naming a row."""
    parts = [
        f"{(labels or {})[k]}：{'、'.join(v)}" if k in (labels or {}) else "、".join(v)
        for k, v in exc.fields.items()
    ]
    return "；".join(parts) or exc.message


# --- tasks ----------------------------------------------------------------------------------------


def _departments_plan(
    lead_departments: Sequence[Department],
    primary_lead: Department | None,
    co_departments: Iterable[Department],
) -> tuple[Department, list[tuple[Department, str, bool]]]:
    leads = list({d.pk: d for d in lead_departments}.values())
    if not leads:
        raise ValidationFailed("请至少指定一个牵头单位。", fields={"lead_departments": ["请指定牵头单位。"]})
    primary = primary_lead or leads[0]
    lead_ids = {d.pk for d in leads}
    if primary.pk not in lead_ids:
        raise ValidationFailed(
            "主牵头单位须是牵头单位之一。", fields={"primary_lead": ["须是牵头单位之一。"]}
        )
    cos = [d for d in {d.pk: d for d in co_departments}.values() if d.pk not in lead_ids]
    plan: list[tuple[Department, str, bool]] = [(d, "lead", d.pk == primary.pk) for d in leads]
    plan += [(d, "co", False) for d in cos]
    return primary, plan


def _write_departments(task: Task, plan: list[tuple[Department, str, bool]]) -> None:
    TaskDepartment.objects.filter(task=task).delete()
    TaskDepartment.objects.bulk_create(
        [
            TaskDepartment(task=task, department=d, role=role, is_primary=primary, sort_order=i)
            for i, (d, role, primary) in enumerate(plan)
        ]
    )
    task._department_roles = {d.pk: role for d, role, _ in plan}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _TaskDefaults:
    """What a new task takes from the office settings and the calendar, read once per call (or batch)."""

    cycle: str
    today: date
    rules: w.Rules


def _task_defaults() -> _TaskDefaults:
    return _TaskDefaults(
        cycle=str(get_setting("ledger_default_cycle")), today=timezone.localdate(), rules=w.Rules.current()
    )


# The fields a caller supplies, checked with the model's own validators. The foreign keys are instances the
# caller holds (no existence query per row); the table's CHECK that a task has a deadline or is ongoing is
# checked here in Python, and source keys by `_check_source_keys` (one query for one task; a batch checks its
# own keys here and leaves the rest to the unique index, whose refusal gives the same message).
_TASK_CHECKED = {
    "serial",
    "title",
    "metric",
    "target_value",
    "unit",
    "deadline",
    "deadline_text",
    "cycle",
    "start_date",
    "source_key",
    "sort_order",
}
_TASK_NOT_CHECKED = {f.name for f in Task._meta.fields if f.name not in _TASK_CHECKED}
_TASK_LABELS = {f.name: str(f.verbose_name) for f in Task._meta.fields if f.name in _TASK_CHECKED}


def _build_task(
    defaults: _TaskDefaults,
    *,
    measure: Measure,
    title: str,
    lead_departments: Sequence[Department],
    primary_lead: Department | None = None,
    co_departments: Iterable[Department] = (),
    deadline: date | None = None,
    ongoing: bool = False,
    cycle: str | None = None,
    category: Category | None = None,
    serial: str = "",
    deadline_text: str = "",
    metric: str = "",
    target_value: Decimal | float | None = None,
    unit: str = "",
    is_priority: bool = False,
    start_date: date | None = None,
    milestones: Iterable[tuple[str, date]] = (),
    source_key: str | None = None,
    sort_order: int = 0,
    in_assessment: bool = True,
    closed_on: date | None = None,
) -> tuple[Task, list[tuple[Department, str, bool]], list[Milestone]]:
    """The one rule for a new task — its department plan, defaults, derived fields (warning thresholds) and
    field checks — shared by `task_create` and `task_create_many`. Unsaved; raises ValidationFailed.
    `closed_on` records a task already done before it entered the ledger (an old plan imported as history)."""
    primary, plan = _departments_plan(lead_departments, primary_lead, co_departments)
    task = Task(
        measure=measure,
        document_id=measure.document_id,
        category_id=category.pk if category is not None else measure.category_id,
        serial=str(serial).strip(),
        title=title.strip(),
        primary_lead=primary,
        metric=metric.strip(),
        target_value=Decimal(str(target_value)) if target_value is not None else None,
        unit=unit.strip(),
        deadline=None if ongoing else deadline,
        deadline_text=deadline_text.strip()[:100],
        ongoing=ongoing,
        cycle=cycle or defaults.cycle,
        start_date=start_date or defaults.today,
        is_priority=is_priority,
        source_key=source_key or None,
        sort_order=sort_order,
        in_assessment=in_assessment,
        state=wf.CLOSED if closed_on else wf.NOT_STARTED,
        closed_on=closed_on,
        percent=100 if closed_on else 0,
    )
    try:
        task.clean_fields(exclude=_TASK_NOT_CHECKED)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc)) from exc
    if not task.ongoing and task.deadline is None:
        raise ValidationFailed(
            "请填写完成时限，或标记为长期任务。", fields={"deadline": ["请填写，或标记为长期任务。"]}
        )
    t = task_thresholds(task, defaults.rules)
    task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
    built = []
    for title_, due in milestones:
        milestone = Milestone(task=task, title=title_, due_on=due)
        try:
            milestone.clean_fields(exclude=["task"])
        except ValidationError as exc:
            raise ValidationFailed(fields=validation_error_fields(exc)) from exc
        built.append(milestone)
    return task, plan, built


SOURCE_KEY_TAKEN = "该任务已导入过（来源标识重复）。"


def _check_source_keys(keys: list[str], *, in_database: bool = True) -> None:
    if len(set(keys)) != len(keys) or (
        in_database and keys and Task.objects.filter(source_key__in=keys).exists()
    ):
        raise ValidationFailed(SOURCE_KEY_TAKEN, fields={"source_key": ["来源标识重复。"]})


def _created_audit(task: Task, plan: list[tuple[Department, str, bool]]) -> dict[str, Any]:
    return {
        "title": task.title[:200],
        "leads": [d.code for d, role, _ in plan if role == "lead"],
        "co": [d.code for d, role, _ in plan if role == "co"],
        "deadline": str(task.deadline) if task.deadline else None,
        "ongoing": task.ongoing,
        "source_key": task.source_key,
    }


@transaction.atomic
def task_create(
    *,
    actor: Any,
    measure: Measure,
    title: str,
    lead_departments: Sequence[Department],
    primary_lead: Department | None = None,
    co_departments: Iterable[Department] = (),
    deadline: date | None = None,
    ongoing: bool = False,
    cycle: str | None = None,
    category: Category | None = None,
    serial: str = "",
    deadline_text: str = "",
    metric: str = "",
    target_value: Decimal | float | None = None,
    unit: str = "",
    is_priority: bool = False,
    start_date: date | None = None,
    milestones: Iterable[tuple[str, date]] = (),
    source_key: str | None = None,
    sort_order: int = 0,
    in_assessment: bool = True,
    closed_on: date | None = None,
) -> Task:
    """One task, built by `_build_task` (the rule `task_create_many` shares)."""
    fields = {k: v for k, v in locals().items() if k != "actor"}
    _require_office(actor)
    task, plan, built = _build_task(_task_defaults(), **fields)
    if task.source_key:
        _check_source_keys([task.source_key])
    task.save()
    _write_departments(task, plan)
    for milestone in built:
        milestone.task = task
        milestone.save()
    record_timeline(task, actor=actor, action="create", label="任务建立", to_state=task.state)
    audit_record(actor=actor, action="task.create", obj=task, after=_created_audit(task, plan))
    return task


@transaction.atomic
def task_create_many(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    labels: Sequence[str] | None = None,
    timeline_data: dict[str, Any] | None = None,
    detail: str = "",
) -> list[Task]:
    """Many tasks at once (the import of a 10,000-row plan): each row holds `task_create`'s keywords and is
    built by the same rule; then multi-row inserts, a "任务建立" timeline line per task in bulk, and one audit
    record for the batch. `labels[i]` names row i in an error ("任务分工表第5行"); all or none are written."""
    _require_office(actor)
    defaults = _task_defaults()
    tasks: list[Task] = []
    plans: list[list[tuple[Department, str, bool]]] = []
    milestones: list[Milestone] = []
    for i, row in enumerate(rows):
        try:
            task, plan, built = _build_task(defaults, **row)
        except ValidationFailed as exc:
            where = labels[i] if labels is not None else f"第{i + 1}条"
            raise ValidationFailed(f"{where}，{_field_errors(exc, _TASK_LABELS)}", fields=exc.fields) from exc
        tasks.append(task)
        plans.append(plan)
        milestones.extend(built)
    _check_source_keys([t.source_key for t in tasks if t.source_key], in_database=False)
    try:
        with transaction.atomic():
            bulk.insert_returning_ids(tasks)
    except IntegrityError as exc:  # a source key already in the ledger (the unique index)
        raise ValidationFailed(SOURCE_KEY_TAKEN, fields={"source_key": ["来源标识重复。"]}) from exc
    bulk.insert_rows(
        TaskDepartment,
        ["task", "department", "role", "is_primary", "sort_order"],
        [
            (task.pk, department.pk, role, is_primary, i)
            for task, plan in zip(tasks, plans, strict=True)
            for i, (department, role, is_primary) in enumerate(plan)
        ],
    )
    if milestones:
        bulk.insert_rows(
            Milestone, ["task", "title", "due_on"], [(m.task.pk, m.title, m.due_on) for m in milestones]
        )
    record_timeline_many(
        {
            "model": Task,
            "object_id": task.pk,
            "actor": actor,
            "action": "create",
            "label": "任务建立",
            "to_state": task.state,
            "data": timeline_data or {},
        }
        for task in tasks
    )
    ids = [t.pk for t in tasks]
    audit_record(
        actor=actor,
        action="task.create_many",
        object_type="ledger.task",
        object_id=f"{ids[0]}-{ids[-1]}" if ids else "",
        after={"count": len(ids), "ids": ids},
        detail=detail or f"批量新建任务 {len(ids)} 条",
    )
    return tasks


def _task_values(task: Task) -> dict[str, Any]:
    return {
        "deadline": str(task.deadline) if task.deadline else None,
        "ongoing": task.ongoing,
        "cycle": task.cycle,
    }


ADJUSTABLE = {
    "title",
    "serial",
    "deadline",
    "deadline_text",
    "ongoing",
    "cycle",
    "category",
    "metric",
    "target_value",
    "unit",
    "is_priority",
}


@transaction.atomic
def task_adjust(
    *, actor: Any, task: Task, reason: str, changes: dict[str, Any], seen_version: int | None = None
) -> Task:
    """调整任务: the office changes deadline, owners or target, always with a reason."""
    changes = dict(changes)
    leads = changes.pop("lead_departments", None)
    primary = changes.pop("primary_lead", None)
    cos = changes.pop("co_departments", None)
    unknown = set(changes) - ADJUSTABLE
    if unknown:
        raise ValidationFailed(f"不能调整：{'、'.join(sorted(unknown))}。")
    if changes.get("ongoing"):
        changes["deadline"] = None
    plan = None
    if leads is not None or primary is not None or cos is not None:
        current = task_department_lists(task)
        new_primary, plan = _departments_plan(
            leads if leads is not None else current["lead"],
            primary if primary is not None else (None if leads is not None else task.primary_lead),
            cos if cos is not None else current["co"],
        )
        changes["primary_lead"] = new_primary
    before = {k: _plain(getattr(task, k)) for k in changes}
    probe = Task.objects.get(pk=task.pk)
    for key, value in changes.items():
        setattr(probe, key, value)
    _full_clean(probe, exclude=["version", "state"])
    apply_transition(
        task,
        workflow=wf.TASK,
        user=actor,
        action="adjust",
        data={"reason": reason, **{k: _plain(v) for k, v in changes.items()}},
        predicates=perms.predicates(),
        seen_version=seen_version,
        changes=changes,
        note=reason,
    )
    if plan is not None:
        _write_departments(task, plan)
    _refresh_warning(task)
    audit_record(
        actor=actor,
        action="task.adjust",
        obj=task,
        before=before,
        after={k: _plain(v) for k, v in changes.items()},
        detail=reason,
    )
    return task


def _plain(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def task_department_lists(task: Task) -> dict[str, list[Department]]:
    rows = TaskDepartment.objects.filter(task=task).select_related("department").order_by("sort_order", "id")
    out: dict[str, list[Department]] = {"lead": [], "co": []}
    for row in rows:
        out[row.role].append(row.department)
    return out


def _transition(
    task: Task,
    *,
    actor: Any,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    apply_transition(
        task,
        workflow=wf.TASK,
        user=actor,
        action=action,
        data=data,
        predicates=perms.predicates(),
        seen_version=seen_version,
        changes=changes,
        note=note,
    )


@transaction.atomic
def task_transition(
    *,
    actor: Any,
    task: Task,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
    note: str = "",
) -> Task:
    """The one generic transition service: guard, compare-and-set, timeline, audit, then fresh thresholds.
    Actions with side effects (reports, close-out requests and reviews) have their own services, which
    call the same table."""
    _transition(task, actor=actor, action=action, data=data, seen_version=seen_version, note=note)
    _refresh_warning(task)
    return task


@transaction.atomic
def task_start(*, actor: Any, task: Task, seen_version: int | None = None) -> Task:
    _transition(task, actor=actor, action="start", seen_version=seen_version)
    _refresh_warning(task)
    return task


@transaction.atomic
def task_cancel(*, actor: Any, task: Task, reason: str, seen_version: int | None = None) -> Task:
    _close_pending_requests(task, actor=actor, note=reason)
    _transition(
        task, actor=actor, action="cancel", data={"reason": reason}, seen_version=seen_version, note=reason
    )
    _refresh_warning(task)
    return task


@transaction.atomic
def task_reopen(*, actor: Any, task: Task, reason: str, seen_version: int | None = None) -> Task:
    _transition(
        task,
        actor=actor,
        action="reopen",
        data={"reason": reason},
        seen_version=seen_version,
        note=reason,
        changes={"closed_on": None},
    )
    _refresh_warning(task)
    return task


def _close_pending_requests(task: Task, *, actor: Any, note: str) -> None:
    CloseOutRequest.objects.filter(task=task, outcome=CloseOutRequest.Outcome.PENDING).update(
        outcome=CloseOutRequest.Outcome.REJECTED,
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reviewed_at=timezone.now(),
        review_note=note,
    )


# --- progress reports and contributions ------------------------------------------------------------


def default_report_period(task: Task, on: date, *, reported: set[date] | None = None) -> date:
    """The cycle a report made on `on` is for: the last cycle that has ended if it is owed and unreported,
    otherwise the current one. `reported`: the cycles with a report standing (not returned), when the caller
    has read them already."""
    current = w.period_start(on, task.cycle)
    previous = w.previous_period(current, task.cycle)
    first = w.period_start(task.start_date, task.cycle)
    if previous < first:
        return current
    if reported is not None:
        return current if previous in reported else previous
    standing = ProgressReport.objects.filter(task=task, period_start=previous).exclude(status="returned")
    return current if standing.exists() else previous


def _check_files(files: Sequence[Any]) -> None:
    for f in files:
        check_upload(f, allowed=EVIDENCE_TYPES)


@transaction.atomic
def progress_report_submit(
    *,
    actor: Any,
    task: Task,
    text: str,
    percent: int,
    metric_value: Decimal | float | None = None,
    problems: str = "",
    next_steps: str = "",
    coordination: str = "",
    evidence: Sequence[Any] = (),
    period_start: date | None = None,
    fold_contributions: Iterable[int] | None = None,
    seen_version: int | None = None,
    submitted_at: datetime | None = None,
) -> ProgressReport:
    """进度反馈 by a lead department. The first report starts the task. `submitted_at` is for loading
    history (demo data, migration of old ledgers); users always report "now"."""
    if not perms.can_report_progress(actor, task):
        if not perms.can_view_task(actor, task):
            raise PermissionRefused("您不能反馈该任务的进展。")
        raise PermissionRefused("只有牵头单位可以在任务推进期间反馈进展。")
    if seen_version is not None and seen_version != task.version:
        raise ConcurrentChange()
    _check_files(evidence)
    at = submitted_at or timezone.now()
    on = timezone.localdate(at)
    period = w.period_start(period_start, task.cycle) if period_start else default_report_period(task, on)
    if ProgressReport.objects.filter(task=task, period_start=period).exclude(status="returned").exists():
        raise ValidationFailed(
            f"{w.period_label(period, task.cycle)}已反馈，请勿重复提交。",
            fields={"period_start": ["本期已反馈。"]},
        )
    department = _acting_department(actor, task)
    to_head = bool(get_setting("ledger_head_approval")) and not actor.has_role(r.DEPT_HEAD)
    report = ProgressReport(
        task=task,
        period_start=period,
        department=department,
        text=text.strip(),
        percent=percent,
        metric_value=Decimal(str(metric_value)) if metric_value not in (None, "") else None,
        problems=problems.strip(),
        next_steps=next_steps.strip(),
        coordination=coordination.strip(),
        is_late=on > w.report_due(period, task.cycle),
        status=ProgressReport.Status.PENDING_HEAD if to_head else ProgressReport.Status.ACCEPTED,
        submitted_by=actor,
        submitted_at=at,
    )
    _full_clean(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ConcurrentChange("本期反馈刚由他人提交，请刷新后查看。") from exc
    contributions = Contribution.objects.filter(task=task, report__isnull=True)
    if fold_contributions is not None:
        contributions = contributions.filter(pk__in=list(fold_contributions))
    folded = contributions.update(report=report)
    for f in evidence:
        attachment_add(actor=actor, obj=report, uploaded=f, purpose="evidence", allowed=EVIDENCE_TYPES)
    label = f"反馈进展（{w.period_label(period, task.cycle)}）" + ("，逾期" if report.is_late else "")
    if to_head:
        label += "，待部门负责人审核"
    else:
        _count_report(task, report, actor=actor)
    record_timeline(
        task,
        actor=actor,
        action="report",
        label=label,
        note=report.text,
        data={"report": report.pk, "percent": report.percent, "late": report.is_late, "folded": folded},
    )
    audit_record(
        actor=actor,
        action="progress_report.submit",
        obj=report,
        after={"task": task.pk, "period": str(period), "percent": report.percent, "late": report.is_late},
    )
    return report


def _count_report(task: Task, report: ProgressReport, *, actor: Any) -> None:
    """An accepted report starts the task, moves its last reported cycle and percent, and its thresholds."""
    if task.state == wf.NOT_STARTED:
        _transition(task, actor=actor, action="start", note="首次反馈进展")
    on = timezone.localdate(report.submitted_at)
    fields: dict[str, Any] = {}
    if task.last_period is None or report.period_start >= task.last_period:
        fields.update(percent=report.percent, last_period=report.period_start)
    if task.last_report_on is None or on > task.last_report_on:
        fields["last_report_on"] = on
    if fields:
        Task.objects.filter(pk=task.pk).update(**fields)
        for key, value in fields.items():
            setattr(task, key, value)
    _refresh_warning(task)


@transaction.atomic
def progress_report_head_decide(
    *, actor: Any, report: ProgressReport, approve: bool, reason: str = ""
) -> ProgressReport:
    """部门负责人 approves a liaison's report (it then counts) or returns it with a reason (the liaison reports
    the cycle again)."""
    task = Task.objects.select_for_update().get(pk=report.task_id)
    if not (actor.has_role(r.DEPT_HEAD) and perms.is_lead(actor, task)):
        raise PermissionRefused("只有牵头单位的部门负责人可以审核本单位的进度反馈。")
    if report.status != ProgressReport.Status.PENDING_HEAD:
        raise TransitionRefused("该进度反馈不在待审核状态。")
    if not approve and not reason.strip():
        raise ValidationFailed("退回时请填写理由。", fields={"reason": ["请填写理由。"]})
    updated = ProgressReport.objects.filter(pk=report.pk, status=ProgressReport.Status.PENDING_HEAD).update(
        status=ProgressReport.Status.ACCEPTED if approve else ProgressReport.Status.RETURNED,
        head_note=reason.strip(),
    )
    if updated != 1:
        raise ConcurrentChange()
    report.status = ProgressReport.Status.ACCEPTED if approve else ProgressReport.Status.RETURNED
    report.head_note = reason.strip()
    if approve:
        _count_report(task, report, actor=actor)
    else:
        Contribution.objects.filter(report=report).update(report=None)
    record_timeline(
        task,
        actor=actor,
        action="report_head_approve" if approve else "report_head_return",
        label=("部门负责人审核通过进度反馈" if approve else "部门负责人退回进度反馈")
        + f"（{w.period_label(report.period_start, task.cycle)}）",
        note=reason,
    )
    audit_record(
        actor=actor,
        action="progress_report.head_approve" if approve else "progress_report.head_return",
        obj=report,
        after={"status": report.status},
        detail=reason,
    )
    return report


def _acting_department(actor: Any, task: Task, role: str = "lead") -> Department:
    from yingshang.org.scope import department_ids

    ids = department_ids(actor) or set()
    rows = [d for d, rl in perms.task_department_roles(task).items() if rl == role and d in ids]
    if not rows:
        raise PermissionRefused("您所在单位不是该任务的" + ("牵头单位。" if role == "lead" else "配合单位。"))
    preferred = actor.department_id if actor.department_id in rows else rows[0]
    return Department.objects.get(pk=preferred)


@transaction.atomic
def contribution_submit(*, actor: Any, task: Task, text: str) -> Contribution:
    """配合单位 add their part; the lead folds it into its next report."""
    if not perms.can_contribute(actor, task):
        raise PermissionRefused("只有配合单位可以提交配合情况。")
    contribution = Contribution(
        task=task, department=_acting_department(actor, task, "co"), text=text.strip(), submitted_by=actor
    )
    _full_clean(contribution)
    contribution.save()
    record_timeline(
        task,
        actor=actor,
        action="contribution",
        label=f"配合单位反馈（{contribution.department.display_name}）",
        note=contribution.text,
    )
    audit_record(actor=actor, action="contribution.submit", obj=contribution, after={"task": task.pk})
    return contribution


# --- close-out -------------------------------------------------------------------------------------


@transaction.atomic
def close_out_request(
    *,
    actor: Any,
    task: Task,
    summary: str,
    evidence: Sequence[Any],
    annual: bool = False,
    year: int | None = None,
    seen_version: int | None = None,
) -> CloseOutRequest:
    """销号申请 (or 年度销号 for an ongoing task), refused without evidence; to the department head first
    when the office setting says so."""
    _check_files(evidence)
    if annual and not task.ongoing:
        raise ValidationFailed("只有长期任务可以申请年度销号。", fields={"annual": ["非长期任务。"]})
    year = (year or timezone.localdate().year) if annual else None
    if (
        annual
        and CloseOutRequest.objects.filter(
            task=task, kind="annual", year=year, outcome=CloseOutRequest.Outcome.APPROVED
        ).exists()
    ):
        raise ValidationFailed(f"{year}年度已销号。", fields={"year": ["该年度已销号。"]})
    action = "request_close_to_head" if get_setting("ledger_head_approval") else "request_close"
    _transition(
        task,
        actor=actor,
        action=action,
        data={
            "summary": summary,
            "evidence": [getattr(f, "name", "") for f in evidence],
            "kind": "annual" if annual else "final",
            "year": year,
        },
        seen_version=seen_version,
        note=summary,
    )
    request = CloseOutRequest(
        task=task,
        kind=CloseOutRequest.Kind.ANNUAL if annual else CloseOutRequest.Kind.FINAL,
        year=year,
        summary=summary.strip(),
        requested_by=actor,
    )
    _full_clean(request)
    request.save()
    for f in evidence:
        attachment_add(actor=actor, obj=request, uploaded=f, purpose="evidence", allowed=EVIDENCE_TYPES)
    _refresh_warning(task)
    audit_record(
        actor=actor,
        action="close_out.request",
        obj=request,
        after={"task": task.pk, "kind": request.kind, "year": year, "files": len(evidence)},
    )
    return request


def pending_close_out(task: Task) -> CloseOutRequest | None:
    return CloseOutRequest.objects.filter(task=task, outcome=CloseOutRequest.Outcome.PENDING).first()


@transaction.atomic
def close_out_head_decide(
    *, actor: Any, task: Task, approve: bool, reason: str = "", seen_version: int | None = None
) -> Task:
    """部门负责人 approves the department's close-out request on to the office, or returns it."""
    action = "head_approve" if approve else "head_reject"
    _transition(
        task, actor=actor, action=action, data={"reason": reason}, seen_version=seen_version, note=reason
    )
    request = pending_close_out(task)
    if request is not None:
        request.head_by = actor
        request.head_at = timezone.now()
        fields = ["head_by", "head_at"]
        if not approve:
            request.outcome = CloseOutRequest.Outcome.REJECTED
            request.review_note = reason
            fields += ["outcome", "review_note"]
        request.save(update_fields=fields)
    _refresh_warning(task)
    return task


@transaction.atomic
def close_out_review(
    *, actor: Any, task: Task, approve: bool, reason: str = "", seen_version: int | None = None
) -> CloseOutRequest:
    """营商办 审核: approve the close-out (销号, or the year of an ongoing task) or return it with reasons."""
    request = pending_close_out(task)
    if request is None and task.state == wf.CLOSE_REQUESTED:
        raise TransitionRefused("该任务没有待审核的销号申请。")
    if approve:
        annual = request is not None and request.kind == CloseOutRequest.Kind.ANNUAL
        action = "approve_annual" if annual else "approve_close"
        changes = {} if annual else {"closed_on": timezone.localdate(), "percent": 100}
    else:
        action, changes = "reject_close", {}
    _transition(
        task,
        actor=actor,
        action=action,
        data={"reason": reason},
        seen_version=seen_version,
        note=reason,
        changes=changes,
    )
    assert request is not None
    request.outcome = CloseOutRequest.Outcome.APPROVED if approve else CloseOutRequest.Outcome.REJECTED
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_note = reason.strip()
    request.save(update_fields=["outcome", "reviewed_by", "reviewed_at", "review_note"])
    _refresh_warning(task)
    return request


# --- extensions ------------------------------------------------------------------------------------


@transaction.atomic
def extension_request(*, actor: Any, task: Task, requested_deadline: date, reason: str) -> ExtensionRequest:
    if not perms.can_request_extension(actor, task):
        raise PermissionRefused("只有牵头单位可以为推进中的限期任务申请延期。")
    if not reason.strip():
        raise ValidationFailed("请填写延期理由。", fields={"reason": ["请填写延期理由。"]})
    if task.deadline and requested_deadline <= task.deadline:
        raise ValidationFailed(
            "申请的完成时限须晚于原完成时限。", fields={"requested_deadline": ["须晚于原完成时限。"]}
        )
    if ExtensionRequest.objects.filter(task=task, state=wf.EXT_PENDING).exists():
        raise ValidationFailed("该任务已有待审批的延期申请。")
    extension = ExtensionRequest(
        task=task,
        current_deadline=task.deadline,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
        requested_by=actor,
        state=wf.EXT_PENDING,
    )
    _full_clean(extension, exclude=["version"])
    extension.save()
    record_timeline(
        task,
        actor=actor,
        action="extension_request",
        label=f"申请延期至 {requested_deadline:%Y-%m-%d}",
        note=extension.reason,
    )
    audit_record(
        actor=actor,
        action="extension.request",
        obj=extension,
        after={"task": task.pk, "to": str(requested_deadline)},
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: Any, extension: ExtensionRequest, approve: bool, note: str = "", seen_version: int | None = None
) -> ExtensionRequest:
    apply_transition(
        extension,
        workflow=wf.EXTENSION,
        user=actor,
        action="approve" if approve else "refuse",
        data={"reason": note},
        seen_version=seen_version,
        changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()},
        note=note,
    )
    task = Task.objects.get(pk=extension.task_id)
    if approve:
        before = task.deadline
        Task.objects.filter(pk=task.pk).update(deadline=extension.requested_deadline)
        task.deadline = extension.requested_deadline
        _refresh_warning(task)
        audit_record(
            actor=actor,
            action="task.extend",
            obj=task,
            before={"deadline": str(before)},
            after={"deadline": str(task.deadline)},
            detail=note,
        )
    record_timeline(
        task,
        actor=actor,
        action="extension_decide",
        label=("同意延期至 " + f"{extension.requested_deadline:%Y-%m-%d}") if approve else "不同意延期",
        note=note,
    )
    return extension


# --- warnings --------------------------------------------------------------------------------------


def task_thresholds(task: Task, rules: w.Rules | None = None) -> w.Thresholds:
    return w.thresholds(
        state=task.state,
        deadline=task.deadline,
        ongoing=task.ongoing,
        cycle=task.cycle,
        start_date=task.start_date,
        last_period=task.last_period,
        rules=rules or w.Rules.current(),
    )


def _refresh_warning(task: Task, rules: w.Rules | None = None) -> None:
    t = task_thresholds(task, rules)
    if (task.yellow_at, task.red_at, task.missing_at) != (t.yellow_at, t.red_at, t.missing_at):
        task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
        Task.objects.filter(pk=task.pk).update(
            yellow_at=t.yellow_at, red_at=t.red_at, missing_at=t.missing_at
        )


def warnings_refresh_all(*, batch: int = 2000) -> int:
    """The daily scan: recompute every active task's thresholds (settings or the holiday schedule may
    have changed since they were written). Idempotent; returns how many rows changed."""
    rules = w.Rules.current()
    changed = 0
    qs = Task.objects.filter(state__in=wf.ACTIVE | {wf.CLOSED, wf.CANCELLED}).only(
        "id",
        "state",
        "deadline",
        "ongoing",
        "cycle",
        "start_date",
        "last_period",
        "yellow_at",
        "red_at",
        "missing_at",
    )
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        dirty = []
        for task in rows:
            t = task_thresholds(task, rules)
            if (task.yellow_at, task.red_at, task.missing_at) != (t.yellow_at, t.red_at, t.missing_at):
                task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
                dirty.append(task)
        if dirty:
            with transaction.atomic():
                Task.objects.bulk_update(dirty, ["yellow_at", "red_at", "missing_at"])
        changed += len(dirty)
        last_id = rows[-1].id
    return changed


# --- milestones ------------------------------------------------------------------------------------


@transaction.atomic
def milestone_complete(*, actor: Any, milestone: Milestone, done_on: date | None = None) -> Milestone:
    """A lead department marks a time node (时间节点) done."""
    task = milestone.task
    if not (perms.is_lead(actor, task) and task.state in wf.ACTIVE):
        raise PermissionRefused("只有牵头单位可以在任务推进期间标记时间节点完成。")
    if milestone.done_on is not None:
        raise ValidationFailed("该时间节点已标记完成。")
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    record_timeline(task, actor=actor, action="milestone", label=f"完成时间节点：{milestone.title}")
    audit_record(
        actor=actor, action="milestone.complete", obj=milestone, after={"done_on": str(milestone.done_on)}
    )
    return milestone


# --- saved filters and exports ---------------------------------------------------------------------


@transaction.atomic
def saved_filter_save(*, actor: Any, name: str, query: str) -> SavedFilter:
    name = name.strip()
    if not name:
        raise ValidationFailed("请为常用筛选起个名称。", fields={"name": ["请填写名称。"]})
    row, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name[:50], defaults={"query": query[:1000]}
    )
    return row


@transaction.atomic
def saved_filter_delete(*, actor: Any, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise PermissionRefused()
    saved.delete()


@transaction.atomic
def export_job_create(*, actor: Any, query: str) -> ExportJob:
    from . import jobs

    job = ExportJob.objects.create(user=actor, query=query[:1000])
    transaction.on_commit(lambda: jobs.run_export.enqueue(job.pk))
    return job


def cycle_label(cycle: str) -> str:
    return Cycle(cycle).label


def user_is_office(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE)
