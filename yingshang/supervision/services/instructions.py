"""Leader instructions (领导批示): written by a leader (or the office for one), replied to by the department,
concluded or returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from yingshang.core.errors import ValidationFailed
from yingshang.core.events import record_timeline
from yingshang.org.models import Department

from .. import permissions as perm
from ..models import Instruction
from ..workflow import INSTRUCTION
from .common import (
    active_department,
    clean,
    handlers,
    official_reply,
    require,
    save_new,
    step,
    target_label,
    target_loaded,
    target_of,
    tell,
)

URL = "supervision:instruction_detail"


@transaction.atomic
def instruction_create(
    *,
    actor: Any,
    department: Department | None,
    content: str,
    deadline: dt.date | None,
    target: models.Model | None = None,
) -> Instruction:
    require(
        perm.can_write_instruction(actor),
        "只有市领导（或营商办代为录入）可以作出批示。",
        "supervision.leader_only",
    )
    department = active_department(department, "承办单位")
    if not (content or "").strip():
        raise ValidationFailed(
            "请填写批示内容。", code="supervision.content_missing", fields={"content": ["请填写批示内容。"]}
        )
    if deadline is None or deadline < timezone.localdate():
        raise ValidationFailed(
            "请填写不早于今天的办理时限。",
            code="supervision.deadline_invalid",
            fields={"deadline": ["办理时限无效。"]},
        )
    kind = target_of(target) if target is not None else None
    instruction = Instruction(
        state=Instruction.State.ASSIGNED,
        leader=actor,
        content=content.strip(),
        department=department,
        deadline=deadline,
        target_type=kind.content_type if kind else None,
        target_id=target.pk if target is not None else None,
        target_label=target_label(kind, target) if kind and target is not None else "",
    )
    clean(instruction)
    save_new(
        instruction,
        actor=actor,
        label="领导批示",
        note=instruction.content,
        audit_action="instruction.create",
        after={
            "department": department.pk,
            "deadline": deadline.isoformat(),
            "target": instruction.target_label,
        },
    )
    if target is not None:
        record_timeline(
            target,
            actor=actor,
            action="instruction",
            label=f"{actor}批示，交{department.display_name}办理",
            note=instruction.content,
            data={"instruction": instruction.pk},
        )
    tell(
        instruction,
        recipients=handlers(department.pk, heads=True),
        kind="instruction",
        title=f"领导批示：请于{deadline:%m月%d日}前办理",
        body=instruction.content,
        url_name=URL,
    )
    return instruction


def _instruction_changes(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    if action == "reply":
        reply = official_reply(data, "办理情况")
        return {"reply": reply, "replied_at": timezone.now()}, reply
    note = str(data.get("reason") or data.get("note") or "").strip()
    if action == "conclude":
        return {"concluded_at": timezone.now()}, note
    return {}, note


@transaction.atomic
def instruction_transition(
    *,
    actor: Any,
    instruction: Instruction,
    action: str,
    data: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> Instruction:
    note = step(
        instruction,
        INSTRUCTION,
        actor=actor,
        action=action,
        data=dict(data or {}),
        seen_version=seen_version,
        changes=_instruction_changes,
    )
    if action == "reply":
        target = target_loaded(instruction)
        if target is not None:
            record_timeline(
                target,
                actor=actor,
                action="instruction_reply",
                label=f"{instruction.department.display_name}回复领导批示办理情况",
                note=note,
            )
        recipients, title = (
            [instruction.leader_id],
            f"{instruction.department.display_name}已回复批示办理情况",
        )
    else:
        recipients = handlers(instruction.department_id)
        title = "领导批示已办结" if action == "conclude" else "领导批示办理情况被退回，请重办"
    tell(instruction, recipients=recipients, kind="instruction", title=title, body=note, url_name=URL)
    return instruction
