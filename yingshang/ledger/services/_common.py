"""What the ledger's services share: checks, the task's one transition call, the warning thresholds and
the status change of the two workflows without a version column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import (
    ConcurrentChange,
    PermissionRefused,
    ValidationFailed,
    validation_error_fields,
)
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.workflow import Transition, Workflow, apply_transition

from .. import permissions as perms
from .. import warnings as w
from .. import workflow as wf
from ..models import Task

EVIDENCE_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls", ".ofd"}


def full_clean(obj: models.Model, exclude: list[str] | None = None, *, fields_only: bool = False) -> None:
    """The model's own checks as a ValidationFailed; `fields_only` skips the row-level ones (foreign keys
    the caller holds as instances, the unique checks a batch leaves to the index)."""
    try:
        if fields_only:
            obj.clean_fields(exclude=exclude)
        else:
            obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=validation_error_fields(exc), code="ledger.field_invalid") from exc


def require_text(value: str, *, field: str, message: str, code: str) -> None:
    """A field that must say something: the message on the page and beside the field."""
    if not (value or "").strip():
        raise ValidationFailed(message, code=code, fields={field: [message]})


def audit_batch(
    *, actor: Any, action: str, object_type: str, ids: list[int], after: dict[str, Any], detail: str = ""
) -> None:
    """One audit record for rows written at once, naming the range of their ids."""
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=f"{ids[0]}-{ids[-1]}" if ids else "",
        after=after,
        detail=detail,
    )


def require_office(actor: Any) -> None:
    if actor is not None and not perms.can_manage_ledger(actor):
        raise PermissionRefused("只有营商办可以维护台账。", code="ledger.office_only")


def check_files(files: Sequence[Any]) -> None:
    for f in files:
        check_upload(f, allowed=EVIDENCE_TYPES)


def add_evidence(*, actor: Any, obj: models.Model, files: Sequence[Any]) -> None:
    for f in files:
        attachment_add(actor=actor, obj=obj, uploaded=f, purpose="evidence", allowed=EVIDENCE_TYPES)


def field_errors(exc: ValidationFailed, labels: dict[str, str] | None = None) -> str:
    """ "完成时限：请填写，或标记为长期任务。" from a ValidationFailed's fields, for a message naming a row."""
    parts = [
        f"{(labels or {})[k]}：{'、'.join(v)}" if k in (labels or {}) else "、".join(v)
        for k, v in exc.fields.items()
    ]
    return "；".join(parts) or exc.message


def row_refused(exc: ValidationFailed, where: str, labels: dict[str, str]) -> ValidationFailed:
    """A batch row's refusal, naming the row ("任务分工表第5行，完成时限：…")."""
    return ValidationFailed(
        f"{where}，{field_errors(exc, labels)}", fields=exc.fields, code="ledger.batch_row_invalid"
    )


def plain(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def transition(
    task: Task,
    *,
    actor: Any,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """A task's transition by the table `workflow.TASK`, with the ledger's predicates."""
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


def set_status(
    obj: models.Model,
    *,
    workflow: Workflow,
    field: str,
    action: str,
    actor: Any,
    data: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Transition:
    """A transition of a row whose status has no version column (a report, a close-out request): the
    table's guard, then a compare-and-set on the status itself."""
    current = getattr(obj, field)
    t = workflow.resolve(state=current, action=action, user=actor, obj=obj, data=data)
    updates = {field: t.target, **(changes or {})}
    if type(obj)._default_manager.filter(pk=obj.pk, **{field: current}).update(**updates) != 1:
        raise ConcurrentChange()
    for key, value in updates.items():
        setattr(obj, key, value)
    return t


def task_thresholds(task: Task, rules: w.Rules | None = None) -> w.Thresholds:
    return w.thresholds(**w.facts(task), rules=rules or w.Rules.current())


def refresh_warning(task: Task, rules: w.Rules | None = None) -> None:
    t = task_thresholds(task, rules)
    if (task.yellow_at, task.red_at, task.missing_at) != (t.yellow_at, t.red_at, t.missing_at):
        task.yellow_at, task.red_at, task.missing_at = t.yellow_at, t.red_at, t.missing_at
        Task.objects.filter(pk=task.pk).update(
            yellow_at=t.yellow_at, red_at=t.red_at, missing_at=t.missing_at
        )
