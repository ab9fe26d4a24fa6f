"""What the writes of supervision share: checks of a record, a department and an item, who in a
department is told, and the entries every new item or step leaves (timeline, audit, notice)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed, validation_error_fields
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.official_text import require_official_text
from yingshang.core.workflow import Workflow, apply_transition
from yingshang.notify.services import notify
from yingshang.org import roles as r
from yingshang.org.models import Department, User

from .. import permissions as perm
from .. import targets

PHOTO_TYPES = {".jpg", ".jpeg", ".png"}
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".ofd"}


def require(allowed: bool, message: str, code: str) -> None:
    """A role refusal (403) with the message saying who may."""
    if not allowed:
        raise PermissionRefused(message, code=code)


def clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(
            code="supervision.record_invalid", fields=validation_error_fields(exc)
        ) from exc


def active_department(department: Department | None, what: str) -> Department:
    if department is None:
        raise ValidationFailed(
            f"请选择{what}。",
            code="supervision.department_missing",
            fields={"department": [f"请选择{what}。"]},
        )
    department = Department.objects.get(pk=department.pk)
    if not department.is_active:
        raise ValidationFailed(
            f"{what}“{department.name}”已撤销或停用，请另选单位。",
            code="supervision.department_inactive",
            fields={"department": ["该单位已停用。"]},
        )
    return department


def department_people(department_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
    """{department id: {"liaison": [user ids], "head": [user ids]}} of active accounts, in one query."""
    liaison_bit = r.ROLE_BITS[r.LIAISON]
    head_bit = r.ROLE_BITS[r.DEPT_HEAD]
    out: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"liaison": [], "head": []})
    rows = (
        User.objects.filter(department_id__in=set(department_ids), is_active=True)
        .annotate(liaison=F("roles").bitand(liaison_bit), head=F("roles").bitand(head_bit))
        .filter(models.Q(liaison__gt=0) | models.Q(head__gt=0))
        .values_list("pk", "department_id", "liaison", "head")
    )
    for pk, dept, liaison, head in rows:
        if liaison:
            out[dept]["liaison"].append(pk)
        if head:
            out[dept]["head"].append(pk)
    return out


def handlers(department_id: int | None, *, heads: bool = False) -> list[int]:
    """Who in a department handles its items: the liaisons (the heads where it has none), and with `heads`
    the heads as well."""
    if department_id is None:
        return []
    people = department_people([department_id]).get(department_id, {"liaison": [], "head": []})
    ids = list(people["liaison"] or people["head"])
    if heads:
        ids += [h for h in people["head"] if h not in ids]
    return ids


def official_reply(data: Mapping[str, Any], what: str) -> str:
    minimum = int(get_setting("supervision_reply_min_chars"))
    return require_official_text(str(data.get("reply", "")), minimum=minimum, field="reply", what=what)


def target_of(obj: models.Model) -> targets.TargetType:
    target = targets.target_for_model(obj)
    if target is None:
        raise ValidationFailed("该类事项不能督办。", code="supervision.target_unsupported")
    return target


def target_label(kind: targets.TargetType, target: models.Model) -> str:
    return f"{kind.label}：{kind.title_of(target)}"[:300]


def target_loaded(obj: Any) -> models.Model | None:
    """The item an order or instruction names, if it still exists."""
    if not (obj.target_type_id and obj.target_id):
        return None
    found = targets.load(obj.target_type_id, obj.target_id)
    return found[1] if found else None


def tell(
    obj: models.Model, *, recipients: list[int], kind: str, title: str, body: str, url_name: str
) -> None:
    """Notify about a supervision item, linking to its page."""
    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        link=targets.safe_reverse(url_name, obj.pk),
        item=obj,
    )


def save_new(
    obj: models.Model,
    *,
    actor: Any,
    label: str,
    note: str = "",
    audit_action: str,
    after: dict[str, Any],
    action: str = "create",
) -> None:
    """Save a new item (checked by the caller), with its first timeline entry and its audit record."""
    obj.save()
    to_state = getattr(obj, "state", "")
    record_timeline(obj, actor=actor, action=action, label=label, to_state=to_state, note=note)
    audit_record(actor=actor, action=audit_action, obj=obj, after=after)


def step(
    obj: models.Model,
    workflow: Workflow,
    *,
    actor: Any,
    action: str,
    data: dict[str, Any],
    seen_version: int | None,
    changes: Callable[[str, dict[str, Any]], tuple[dict[str, Any], str]],
) -> str:
    """One step of an item's workflow (the department checks of `permissions.PREDICATES` included).
    `changes` gives the fields the action sets besides the state, and the note of its timeline entry,
    which is returned."""
    fields, note = changes(action, data)
    apply_transition(
        obj,
        workflow=workflow,
        user=actor,
        action=action,
        data=data,
        predicates=perm.PREDICATES,
        seen_version=seen_version,
        changes=fields,
        note=note,
    )
    return note
