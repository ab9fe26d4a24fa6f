"""Tasks: the one rule that builds a task (by hand or ten thousand at a time), adjusting one, its generic
transitions, its time nodes and the daily warning scan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core import bulk
from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.events import record_timeline, record_timeline_many
from yingshang.core.office_settings import get_setting
from yingshang.org.models import Department

from .. import permissions as perms
from .. import warnings as w
from .. import workflow as wf
from ..models import Category, CloseOutRequest, Measure, Milestone, PolicyDocument, Task, TaskDepartment
from ._common import (
    audit_batch,
    full_clean,
    plain,
    refresh_warning,
    require_office,
    require_text,
    row_refused,
    set_status,
    task_thresholds,
    transition,
)
from .documents import measure_create

Plan = list[tuple[Department, str, bool]]


def _departments_plan(
    lead_departments: Sequence[Department],
    primary_lead: Department | None,
    co_departments: Iterable[Department],
) -> tuple[Department, Plan]:
    leads = list({d.pk: d for d in lead_departments}.values())
    if not leads:
        raise ValidationFailed(
            "请至少指定一个牵头单位。",
            code="ledger.lead_required",
            fields={"lead_departments": ["请指定牵头单位。"]},
        )
    primary = primary_lead or leads[0]
    lead_ids = {d.pk for d in leads}
    if primary.pk not in lead_ids:
        raise ValidationFailed(
            "主牵头单位须是牵头单位之一。",
            code="ledger.primary_lead_not_lead",
            fields={"primary_lead": ["须是牵头单位之一。"]},
        )
    cos = [d for d in {d.pk: d for d in co_departments}.values() if d.pk not in lead_ids]
    plan: Plan = [(d, TaskDepartment.Role.LEAD, d.pk == primary.pk) for d in leads]
    plan += [(d, TaskDepartment.Role.CO, False) for d in cos]
    return primary, plan


def _write_departments(task: Task, plan: Plan) -> None:
    TaskDepartment.objects.filter(task=task).delete()
    TaskDepartment.objects.bulk_create(
        [
            TaskDepartment(task=task, department=d, role=role, is_primary=primary, sort_order=i)
            for i, (d, role, primary) in enumerate(plan)
        ]
    )
    task._department_roles = {d.pk: role for d, role, _ in plan}  # type: ignore[attr-defined]


def task_department_lists(task: Task) -> dict[str, list[Department]]:
    rows = TaskDepartment.objects.filter(task=task).select_related("department").order_by("sort_order", "id")
    out: dict[str, list[Department]] = {TaskDepartment.Role.LEAD: [], TaskDepartment.Role.CO: []}
    for row in rows:
        out[row.role].append(row.department)
    return out


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


@dataclass(frozen=True)
class TaskSpec:
    """What a new task is made of: the keywords of `task_create` and of each row of `task_create_many`.
    `closed_on` records a task already done before it entered the ledger (an old plan imported as history)."""

    measure: Measure
    title: str
    lead_departments: Sequence[Department]
    primary_lead: Department | None = None
    co_departments: Iterable[Department] = ()
    deadline: date | None = None
    ongoing: bool = False
    cycle: str | None = None
    category: Category | None = None
    serial: str = ""
    deadline_text: str = ""
    metric: str = ""
    target_value: Decimal | float | None = None
    unit: str = ""
    is_priority: bool = False
    start_date: date | None = None
    milestones: Iterable[tuple[str, date]] = field(default=())
    source_key: str | None = None
    sort_order: int = 0
    in_assessment: bool = True
    closed_on: date | None = None


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
_TASK_NOT_CHECKED = [f.name for f in Task._meta.fields if f.name not in _TASK_CHECKED]
_TASK_LABELS = {f.name: str(f.verbose_name) for f in Task._meta.fields if f.name in _TASK_CHECKED}


def _build_task(defaults: _TaskDefaults, spec: TaskSpec) -> tuple[Task, Plan, list[Milestone]]:
    """The one rule for a new task — its department plan, defaults, derived fields (warning thresholds) and
    field checks — shared by `task_create` and `task_create_many`. Unsaved; raises ValidationFailed."""
    require_text(spec.title, field="title", message="请填写任务内容。", code="ledger.task_title_required")
    primary, plan = _departments_plan(spec.lead_departments, spec.primary_lead, spec.co_departments)
    task = Task(
        measure=spec.measure,
        document_id=spec.measure.document_id,
        category_id=spec.category.pk if spec.category is not None else spec.measure.category_id,
        serial=str(spec.serial).strip(),
        title=spec.title.strip(),
        primary_lead=primary,
        metric=spec.metric.strip(),
        target_value=Decimal(str(spec.target_value)) if spec.target_value is not None else None,
        unit=spec.unit.strip(),
        deadline=None if spec.ongoing else spec.deadline,
        deadline_text=spec.deadline_text.strip()[:100],
        ongoing=spec.ongoing,
        cycle=spec.cycle or defaults.cycle,
        start_date=spec.start_date or defaults.today,
        is_priority=spec.is_priority,
        source_key=spec.source_key or None,
        sort_order=spec.sort_order,
        in_assessment=spec.in_assessment,
        state=wf.CLOSED if spec.closed_on else wf.NOT_STARTED,
        closed_on=spec.closed_on,
        percent=100 if spec.closed_on else 0,
    )
    full_clean(task, exclude=_TASK_NOT_CHECKED, fields_only=True)
    if not task.ongoing and task.deadline is None:
        raise ValidationFailed(
            "请填写完成时限，或标记为长期任务。",
            code="ledger.deadline_required",
            fields={"deadline": ["请填写，或标记为长期任务。"]},
        )
    t = task_thresholds(task, defaults.rules)
    task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
    built = []
    for title_, due in spec.milestones:
        milestone = Milestone(task=task, title=title_, due_on=due)
        full_clean(milestone, exclude=["task"], fields_only=True)
        built.append(milestone)
    return task, plan, built


SOURCE_KEY_TAKEN = "该任务已导入过（来源标识重复）。"


def _source_key_taken() -> ValidationFailed:
    return ValidationFailed(
        SOURCE_KEY_TAKEN, code="ledger.source_key_taken", fields={"source_key": ["来源标识重复。"]}
    )


def _check_source_keys(keys: list[str], *, in_database: bool = True) -> None:
    if len(set(keys)) != len(keys) or (
        in_database and keys and Task.objects.filter(source_key__in=keys).exists()
    ):
        raise _source_key_taken()


def _created_audit(task: Task, plan: Plan) -> dict[str, Any]:
    return {
        "title": task.title[:200],
        "leads": [d.code for d, role, _ in plan if role == TaskDepartment.Role.LEAD],
        "co": [d.code for d, role, _ in plan if role == TaskDepartment.Role.CO],
        "deadline": str(task.deadline) if task.deadline else None,
        "ongoing": task.ongoing,
        "source_key": task.source_key,
    }


@transaction.atomic
def task_create(*, actor: Any, **fields: Any) -> Task:
    """One task, from `TaskSpec`'s keywords, built by `_build_task` (the rule `task_create_many` shares);
    `sort_order=None` puts it last in its document."""
    require_office(actor)
    if "sort_order" in fields and fields["sort_order"] is None:
        fields["sort_order"] = Task.objects.filter(document_id=fields["measure"].document_id).count() + 1
    task, plan, built = _build_task(_task_defaults(), TaskSpec(**fields))
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
def task_create_in_document(
    *,
    actor: Any,
    document: PolicyDocument,
    measure: Measure | None,
    measure_title: str = "",
    measure_serial: str = "",
    **fields: Any,
) -> Task:
    """营商办 adds a task to a document by hand, under one of its measures or a new one (last in the
    document); the task goes last too."""
    require_office(actor)
    if measure is None:
        require_text(
            measure_title,
            field="measure",
            message="请选择所属措施，或填写新措施的内容。",
            code="ledger.measure_required",
        )
        measure = measure_create(
            actor=actor,
            document=document,
            title=measure_title,
            serial=measure_serial,
            category=fields.get("category"),
            sort_order=None,
        )
    return task_create(actor=actor, measure=measure, **{"sort_order": None, **fields})


@transaction.atomic
def task_create_many(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    labels: Sequence[str] | None = None,
    timeline_data: dict[str, Any] | None = None,
    detail: str = "",
) -> list[Task]:
    """Many tasks at once (the import of a 10,000-row plan): each row holds `TaskSpec`'s keywords and is
    built by the same rule; then multi-row inserts, a "任务建立" timeline line per task in bulk, and one audit
    record for the batch. `labels[i]` names row i in an error ("任务分工表第5行"); all or none are written."""
    require_office(actor)
    defaults = _task_defaults()
    tasks: list[Task] = []
    plans: list[Plan] = []
    milestones: list[Milestone] = []
    for i, row in enumerate(rows):
        try:
            task, plan, built = _build_task(defaults, TaskSpec(**row))
        except ValidationFailed as exc:
            raise row_refused(exc, labels[i] if labels is not None else f"第{i + 1}条", _TASK_LABELS) from exc
        tasks.append(task)
        plans.append(plan)
        milestones.extend(built)
    _check_source_keys([t.source_key for t in tasks if t.source_key], in_database=False)
    try:
        with transaction.atomic():
            bulk.insert_returning_ids(tasks)
    except IntegrityError as exc:  # a source key already in the ledger (the unique index)
        raise _source_key_taken() from exc
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
    audit_batch(
        actor=actor,
        action="task.create_many",
        object_type="ledger.task",
        ids=ids,
        after={"count": len(ids), "ids": ids},
        detail=detail or f"批量新建任务 {len(ids)} 条",
    )
    return tasks


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


def _adjusted_plan(task: Task, changes: dict[str, Any]) -> Plan | None:
    """The new department plan when `changes` names departments that differ from the task's (popping them
    from `changes` and setting its `primary_lead`). Without a primary lead named, the current one stays
    when it is still a lead, otherwise the first lead listed becomes primary."""
    leads = changes.pop("lead_departments", None)
    primary = changes.pop("primary_lead", None)
    cos = changes.pop("co_departments", None)
    if leads is None and primary is None and cos is None:
        return None
    current = task_department_lists(task)
    leads = current[TaskDepartment.Role.LEAD] if leads is None else list(leads)
    cos = current[TaskDepartment.Role.CO] if cos is None else list(cos)
    if primary is None and (
        {d.pk for d in leads} == {d.pk for d in current[TaskDepartment.Role.LEAD]}
        and {d.pk for d in cos} == {d.pk for d in current[TaskDepartment.Role.CO]}
    ):
        return None
    if primary is None and task.primary_lead_id in {d.pk for d in leads}:
        primary = task.primary_lead
    changes["primary_lead"], plan = _departments_plan(leads, primary, cos)
    return plan


@transaction.atomic
def task_adjust(
    *, actor: Any, task: Task, reason: str, changes: dict[str, Any], seen_version: int | None = None
) -> Task:
    """调整任务: the office changes deadline, owners or target, always with a reason."""
    changes = dict(changes)
    plan = _adjusted_plan(task, changes)
    unknown = set(changes) - ADJUSTABLE - {"primary_lead"}
    if unknown:
        raise ValidationFailed(
            f"不能调整：{'、'.join(sorted(unknown))}。", code="ledger.adjust_field_unknown"
        )
    if changes.get("ongoing"):
        changes["deadline"] = None
    before = {k: plain(getattr(task, k)) for k in changes}
    probe = Task.objects.get(pk=task.pk)
    for key, value in changes.items():
        setattr(probe, key, value)
    full_clean(probe, exclude=["version", "state"])
    transition(
        task,
        actor=actor,
        action="adjust",
        data={"reason": reason, **{k: plain(v) for k, v in changes.items()}},
        seen_version=seen_version,
        changes=changes,
        note=reason,
    )
    if plan is not None:
        _write_departments(task, plan)
    refresh_warning(task)
    audit_record(
        actor=actor,
        action="task.adjust",
        obj=task,
        before=before,
        after={k: plain(v) for k, v in changes.items()},
        detail=reason,
    )
    return task


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
    Actions with side effects (reports, close-out requests and reviews, cancel, reopen) have their own
    services, which call the same table; `task_transition` hands those it knows to them."""
    if action == "cancel":
        return task_cancel(
            actor=actor, task=task, reason=(data or {}).get("reason", ""), seen_version=seen_version
        )
    if action == "reopen":
        return task_reopen(
            actor=actor, task=task, reason=(data or {}).get("reason", ""), seen_version=seen_version
        )
    transition(task, actor=actor, action=action, data=data, seen_version=seen_version, note=note)
    refresh_warning(task)
    return task


@transaction.atomic
def task_cancel(*, actor: Any, task: Task, reason: str, seen_version: int | None = None) -> Task:
    transition(
        task, actor=actor, action="cancel", data={"reason": reason}, seen_version=seen_version, note=reason
    )
    request = CloseOutRequest.objects.filter(task=task, outcome=CloseOutRequest.Outcome.PENDING).first()
    if request is not None:
        set_status(
            request,
            workflow=wf.CLOSE_OUT,
            field="outcome",
            action="withdraw",
            actor=actor,
            changes={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_note": reason},
        )
    refresh_warning(task)
    return task


@transaction.atomic
def task_reopen(*, actor: Any, task: Task, reason: str, seen_version: int | None = None) -> Task:
    transition(
        task,
        actor=actor,
        action="reopen",
        data={"reason": reason},
        seen_version=seen_version,
        note=reason,
        changes={"closed_on": None},
    )
    refresh_warning(task)
    return task


@transaction.atomic
def milestone_complete(*, actor: Any, milestone: Milestone, done_on: date | None = None) -> Milestone:
    """A lead department marks a time node (时间节点) done."""
    task = milestone.task
    if not (perms.is_lead(actor, task) and task.state in wf.ACTIVE):
        raise PermissionRefused(
            "只有牵头单位可以在任务推进期间标记时间节点完成。", code="ledger.milestone_lead_only"
        )
    if milestone.done_on is not None:
        raise ValidationFailed("该时间节点已标记完成。", code="ledger.milestone_already_done")
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    record_timeline(task, actor=actor, action="milestone", label=f"完成时间节点：{milestone.title}")
    audit_record(
        actor=actor, action="milestone.complete", obj=milestone, after={"done_on": str(milestone.done_on)}
    )
    return milestone


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
