"""Handling an appeal through its rounds: dispatch, sign, return, reply, follow-up (conclude or reopen),
close as invalid, co-signing, extensions and the office's "unreasonable" ruling. State changes go through
`apply_transition` with the tables in workflow.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import (
    NotFound,
    PermissionRefused,
    TransitionRefused,
    ValidationFailed,
)
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.official_text import require_official_text
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.workflow import apply_transition
from yingshang.org.models import Department

from .. import deadlines
from ..models import (
    Appeal,
    Dispatch,
    ExtensionRequest,
    FollowUp,
    InvalidReason,
    Reply,
)
from ..permissions import PREDICATES, is_main_department, is_office
from ..workflow import APPEAL_WORKFLOW, DISPATCH_WORKFLOW, EXTENSION_WORKFLOW
from .intake import ATTACHMENT_TYPES, full_clean
from .outbox import push_status


def _now() -> datetime:
    return timezone.now()


def _departments(ids_or_objs: Iterable[Any]) -> list[Department]:
    out: list[Department] = []
    for item in ids_or_objs:
        if isinstance(item, Department):
            out.append(item)
        elif item not in (None, ""):
            department = Department.objects.filter(pk=item, is_active=True).first()
            if department is None:
                raise ValidationFailed(
                    "所选单位不存在。",
                    code="appeals.department_unknown",
                    fields={"co_departments": ["单位不存在。"]},
                )
            out.append(department)
    return out


def _create_dispatches(
    *,
    actor: Any,
    appeal: Appeal,
    main: Department,
    co: Sequence[Department],
    round_no: int,
    instruction: str,
    now: datetime,
    clocks: deadlines.Clocks,
) -> None:
    sign_deadline, reply_deadline = clocks.sign.at, clocks.reply.at
    Dispatch.objects.filter(appeal=appeal, is_current=True).update(is_current=False)
    rows = [
        Dispatch(
            appeal=appeal,
            department=department,
            round=round_no,
            role=role,
            dispatched_at=now,
            dispatched_by=actor if getattr(actor, "is_authenticated", False) else None,
            instruction=instruction,
            sign_deadline=sign_deadline,
            reply_deadline=reply_deadline,
            counted=appeal.duplicate_of_id is None,
        )
        for department, role in [(main, Dispatch.Role.MAIN)]
        + [(d, Dispatch.Role.CO) for d in co if d.pk != main.pk]
    ]
    try:
        with transaction.atomic():
            Dispatch.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationFailed(
            "同一轮次中同一单位只能派单一次。",
            code="appeals.dispatch_department_twice",
            fields={"co_departments": ["单位重复。"]},
        ) from exc


@transaction.atomic
def appeal_dispatch(
    *,
    actor: Any,
    appeal: Appeal,
    main_department: Department | None,
    co_departments: Sequence[Any] = (),
    instruction: str = "",
    seen_version: int | None = None,
) -> Appeal:
    """派单: to a main department and optional co-handlers, starting a new round with fresh time limits."""
    now = _now()
    co = _departments(co_departments)
    round_no = appeal.round + 1
    clocks = deadlines.clocks_for(appeal.category, appeal.urgent, now)
    changes: dict[str, Any] = {"main_department": main_department, "round": round_no}
    if main_department is not None:
        changes.update(clocks.fields())
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action="dispatch",
        predicates=PREDICATES,
        data={"main_department": main_department, "co_departments": [d.pk for d in co]},
        seen_version=seen_version,
        changes=changes,
        note=f"主办：{main_department}"
        + (f"；协办：{'、'.join(str(d) for d in co)}" if co else "")
        + (f"。{instruction}" if instruction else ""),
    )
    assert main_department is not None
    _create_dispatches(
        actor=actor,
        appeal=appeal,
        main=main_department,
        co=co,
        round_no=round_no,
        instruction=instruction,
        now=now,
        clocks=clocks,
    )
    push_status(appeal, "dispatch")
    return appeal


def current_main_dispatch(appeal: Appeal) -> Dispatch | None:
    return (
        Dispatch.objects.filter(appeal=appeal, round=appeal.round, role=Dispatch.Role.MAIN)
        .select_related("department")
        .first()
    )


@transaction.atomic
def appeal_sign(*, actor: Any, appeal: Appeal, seen_version: int | None = None) -> Appeal:
    now = _now()
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action="sign",
        predicates=PREDICATES,
        seen_version=seen_version,
    )
    # The main part is signed by this transition of the appeal (a co-handler signs through co_sign).
    Dispatch.objects.filter(appeal=appeal, round=appeal.round, role=Dispatch.Role.MAIN).update(
        signed_at=now, signed_by=actor, state=Dispatch.State.SIGNED, version=F("version") + 1
    )
    push_status(appeal, "sign")
    return appeal


@transaction.atomic
def appeal_return(
    *, actor: Any, appeal: Appeal, reason: str, note: str = "", seen_version: int | None = None
) -> Appeal:
    """退单: back to the office for re-dispatch, with a reason."""
    if reason and reason not in Dispatch.ReturnReason.values:
        raise ValidationFailed(
            "请选择退单原因。", code="appeals.return_reason_invalid", fields={"reason": ["无效的退单原因。"]}
        )
    if reason == Dispatch.ReturnReason.OTHER and not note.strip():
        raise ValidationFailed(
            "退单原因为“其他”时须说明理由。",
            code="appeals.return_note_required",
            fields={"note": ["请说明理由。"]},
        )
    label = Dispatch.ReturnReason(reason).label if reason else ""
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action="return",
        predicates=PREDICATES,
        data={"reason": reason, "note": note},
        seen_version=seen_version,
        changes={"sign_deadline": None},
        note=f"{label}。{note}".strip("。") if note else label,
    )
    Dispatch.objects.filter(appeal=appeal, round=appeal.round).update(
        returned_at=_now(), return_reason=reason, return_note=note[:500], is_current=False
    )
    push_status(appeal, "return")
    return appeal


@transaction.atomic
def appeal_reply(
    *, actor: Any, appeal: Appeal, content: str, files: Sequence[Any] = (), seen_version: int | None = None
) -> Reply:
    """答复: the main department's answer to the enterprise for the current round."""
    content = require_official_text(
        content, minimum=int(get_setting("appeals.reply_min_chars")), field="content", what="答复内容"
    )
    for uploaded in files:
        check_upload(uploaded, allowed=ATTACHMENT_TYPES)
    now = _now()
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action="reply",
        predicates=PREDICATES,
        data={"content": content},
        seen_version=seen_version,
        note=(content or "")[:200],
    )
    dispatch = current_main_dispatch(appeal)
    if dispatch is None:
        raise TransitionRefused("该诉求没有当前有效的主办派单。", code="appeals.no_current_dispatch")
    reply = Reply(
        appeal=appeal,
        dispatch=dispatch,
        department=dispatch.department,
        round=appeal.round,
        content=content.strip(),
        replied_by=actor,
        replied_at=now,
        on_time=now <= dispatch.reply_deadline,
    )
    full_clean(reply)
    reply.save()
    Dispatch.objects.filter(pk=dispatch.pk).update(replied_at=now)
    for uploaded in files:
        attachment_add(actor=actor, obj=reply, uploaded=uploaded, purpose="reply", allowed=ATTACHMENT_TYPES)
    push_status(appeal, "reply", extra={"reply": reply.content})
    return reply


@transaction.atomic
def appeal_follow_up(
    *,
    actor: Any,
    appeal: Appeal,
    satisfaction: str,
    solved: bool | None,
    note: str = "",
    seen_version: int | None = None,
) -> FollowUp:
    """回访: satisfied or basically satisfied concludes; unsatisfied reopens to the same department
    (重办, a new round) until the office's limit of reopenings, after which it concludes as recorded."""
    if satisfaction and satisfaction not in FollowUp.Satisfaction.values:
        raise ValidationFailed(
            "请选择满意度。", code="appeals.satisfaction_invalid", fields={"satisfaction": ["无效的满意度。"]}
        )
    reopen = satisfaction == FollowUp.Satisfaction.UNSATISFIED and appeal.reopen_count < int(
        get_setting("appeals.max_reopens")
    )
    now = _now()
    reply = Reply.objects.filter(appeal=appeal, round=appeal.round).select_related("dispatch").first()
    data = {"satisfaction": satisfaction, "solved": solved, "note": note}
    label = FollowUp.Satisfaction(satisfaction).label if satisfaction else ""
    if reopen:
        clocks = deadlines.clocks_for(appeal.category, appeal.urgent, now)
        changes: dict[str, Any] = {
            "round": appeal.round + 1,
            "reopen_count": appeal.reopen_count + 1,
            **clocks.fields(),
        }
        action = "reopen"
    else:
        changes = {"concluded_at": now}
        action = "conclude"
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action=action,
        predicates=PREDICATES,
        data=data,
        seen_version=seen_version,
        changes=changes,
        note=f"{label}，问题{'已' if solved else '未'}解决。{note}".strip(),
    )
    if reply is None:
        raise TransitionRefused("该诉求尚无答复，不能回访。", code="appeals.follow_up_without_reply")
    followup = FollowUp(
        appeal=appeal,
        reply=reply,
        department=reply.department,
        round=reply.round,
        satisfaction=satisfaction,
        solved=bool(solved),
        note=note[:1000],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=now,
        counted=appeal.duplicate_of_id is None,
    )
    full_clean(followup)
    followup.save()
    if reopen:
        co = list(
            Department.objects.filter(
                pk__in=Dispatch.objects.filter(
                    appeal=appeal, round=reply.round, role=Dispatch.Role.CO
                ).values("department_id")
            )
        )
        _create_dispatches(
            actor=actor,
            appeal=appeal,
            main=reply.department,
            co=co,
            round_no=appeal.round,
            instruction="企业不满意，重办。",
            now=now,
            clocks=clocks,
        )
    push_status(appeal, action, extra={"satisfaction": satisfaction, "solved": bool(solved)})
    return followup


@transaction.atomic
def appeal_close_invalid(
    *, actor: Any, appeal: Appeal, reason: str, note: str = "", seen_version: int | None = None
) -> Appeal:
    """作废: spam, a duplicate or out of scope, with a reason. Closed appeals leave every rate."""
    if reason and reason not in InvalidReason.values:
        raise ValidationFailed(
            "请选择作废原因。", code="appeals.close_reason_invalid", fields={"reason": ["无效的作废原因。"]}
        )
    if reason and not note.strip():
        raise ValidationFailed(
            "请填写作废说明。", code="appeals.close_note_required", fields={"note": ["请填写作废说明。"]}
        )
    label = InvalidReason(reason).label if reason else ""
    apply_transition(
        appeal,
        workflow=APPEAL_WORKFLOW,
        user=actor,
        action="close_invalid",
        predicates=PREDICATES,
        data={"reason": reason, "note": note},
        seen_version=seen_version,
        changes={"invalid_reason": reason, "invalid_note": note[:500], "concluded_at": _now()},
        note=f"{label}：{note}",
    )
    Dispatch.objects.filter(appeal=appeal).update(is_current=False, counted=False)
    FollowUp.objects.filter(appeal=appeal).update(counted=False)
    push_status(appeal, "close_invalid", extra={"reason": reason})
    return appeal


@transaction.atomic
def dispatch_sign_co(*, actor: Any, dispatch: Dispatch, seen_version: int | None = None) -> Dispatch:
    """A co-handler acknowledges its part (no state change of the appeal)."""
    apply_transition(
        dispatch,
        workflow=DISPATCH_WORKFLOW,
        user=actor,
        action="co_sign",
        predicates=PREDICATES,
        seen_version=seen_version,
        changes={"signed_at": _now(), "signed_by": actor},
        note=str(dispatch.department),
    )
    # The appeal's own history shows it too (the engine wrote the part's).
    record_timeline(
        dispatch.appeal, actor=actor, action="co_sign", label="协办签收", note=str(dispatch.department)
    )
    return dispatch


@transaction.atomic
def extension_request(*, actor: Any, appeal: Appeal, days: int, reason: str) -> ExtensionRequest:
    """延期申请 by the main department while handling; the office approves or refuses."""
    if appeal.state != Appeal.State.SIGNED:
        raise TransitionRefused("只有办理中的诉求可以申请延期。", code="appeals.extension_not_in_hand")
    if not is_main_department(actor, appeal):
        raise NotFound(code="appeals.extension_not_main_department")
    limit = int(get_setting("appeals.extension_max_days"))
    errors: dict[str, list[str]] = {}
    if not (1 <= int(days or 0) <= limit):
        errors["days"] = [f"延期天数应为 1 至 {limit} 个工作日。"]
    if not (reason or "").strip():
        errors["reason"] = ["请填写延期理由。"]
    if errors:
        raise ValidationFailed(
            next(iter(errors.values()))[0], code="appeals.extension_invalid", fields=errors
        )
    if appeal.extensions.filter(state=ExtensionRequest.State.PENDING, dispatch__round=appeal.round).exists():
        raise TransitionRefused("已有待审批的延期申请。", code="appeals.extension_pending")
    dispatch = current_main_dispatch(appeal)
    assert dispatch is not None
    extension = ExtensionRequest(
        appeal=appeal,
        dispatch=dispatch,
        days=int(days),
        reason=reason.strip(),
        requested_by=actor,
        requested_at=_now(),
        old_deadline=dispatch.reply_deadline,
        new_deadline=deadlines.extend(dispatch.reply_deadline, int(days)),
        state=ExtensionRequest.State.PENDING,
    )
    full_clean(extension)
    extension.save()
    record_timeline(
        appeal,
        actor=actor,
        action="extension_request",
        label="申请延期",
        note=f"申请延期 {days} 个工作日：{reason.strip()}",
    )
    audit_record(
        actor=actor,
        action="appeal.extension_request",
        obj=appeal,
        after={"extension": extension.pk, "days": days},
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: Any, extension: ExtensionRequest, approve: bool, note: str = "", seen_version: int | None = None
) -> ExtensionRequest:
    appeal = extension.appeal
    if extension.dispatch.round != appeal.round or not extension.dispatch.is_current:
        # A request left pending when its round ended (answered, returned, reopened) must not move the
        # clock of the round that followed.
        raise TransitionRefused(
            "该延期申请所在的办理轮次已结束，无需再审批。", code="appeals.extension_round_over"
        )
    now = _now()
    changes: dict[str, Any] = {"decided_by": actor, "decided_at": now, "decision_note": note[:500]}
    apply_transition(
        extension,
        workflow=EXTENSION_WORKFLOW,
        user=actor,
        action="approve" if approve else "refuse",
        data={"note": note},
        seen_version=seen_version,
        changes=changes,
        note=note,
    )
    if approve:
        Dispatch.objects.filter(pk=extension.dispatch_id).update(reply_deadline=extension.new_deadline)
        Appeal.objects.filter(pk=appeal.pk).update(
            reply_deadline=extension.new_deadline,
            reply_deadline_provisional=deadlines.span_provisional(
                extension.dispatch.dispatched_at, extension.new_deadline
            ),
        )
    record_timeline(
        appeal,
        actor=actor,
        action="extension_" + ("approve" if approve else "refuse"),
        label="同意延期" if approve else "不同意延期",
        note=(
            f"答复时限延至 {timezone.localtime(extension.new_deadline):%Y-%m-%d %H:%M}。" if approve else ""
        )
        + note,
    )
    return extension


@transaction.atomic
def followup_mark_unreasonable(*, actor: Any, followup: FollowUp, reason: str) -> FollowUp:
    """不合理诉求: the office takes a follow-up out of the satisfaction figures, with a reason (audited)."""
    if not is_office(actor):
        raise PermissionRefused("只有营商办可以认定不合理诉求。", code="appeals.unreasonable_office_only")
    if not (reason or "").strip():
        raise ValidationFailed(
            "请填写认定理由。",
            code="appeals.unreasonable_reason_required",
            fields={"reason": ["请填写认定理由。"]},
        )
    if followup.unreasonable:
        raise TransitionRefused("该回访已认定为不合理诉求。", code="appeals.unreasonable_already")
    before = {"unreasonable": False}
    followup.unreasonable = True
    followup.unreasonable_reason = reason.strip()[:500]
    followup.unreasonable_by = actor
    followup.unreasonable_at = _now()
    followup.save(update_fields=["unreasonable", "unreasonable_reason", "unreasonable_by", "unreasonable_at"])
    record_timeline(
        followup.appeal, actor=actor, action="mark_unreasonable", label="认定不合理诉求", note=reason
    )
    audit_record(
        actor=actor,
        action="appeal.mark_unreasonable",
        obj=followup,
        before=before,
        after={"unreasonable": True, "reason": followup.unreasonable_reason},
    )
    return followup


def contact_revealed(*, actor: Any, appeal: Appeal) -> None:
    """Audit that a full phone number was shown."""
    audit_record(actor=actor, action="appeal.view_contact", obj=appeal)
