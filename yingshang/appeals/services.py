"""Every write of the appeals loop. Each function runs in one transaction; state changes go through
`apply_transition` with the table in workflow.py; status pushes to source systems (回传) are queued in
the outbox in the same transaction and sent by a job after commit."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.credit_code import credit_code_error
from yingshang.core.crypto import blind_index
from yingshang.core.errors import (
    ApplicationError,
    NotFound,
    TransitionRefused,
    ValidationFailed,
    validation_error_fields,
)
from yingshang.core.events import record_timeline
from yingshang.core.office_settings import get_setting
from yingshang.core.official_text import require_official_text
from yingshang.core.uploads import attachment_add, check_upload
from yingshang.core.workflow import apply_transition
from yingshang.org.models import Department, Enterprise
from yingshang.org.roles import ENTERPRISE
from yingshang.routing import similarity as routing_similarity

from . import deadlines
from .models import (
    Appeal,
    Category,
    Dispatch,
    ExtensionRequest,
    FollowUp,
    InvalidReason,
    Reply,
    Source,
    SourceSystem,
    WebhookDelivery,
)
from .permissions import PREDICATES, is_main_department
from .workflow import APPEAL_WORKFLOW, EXTENSION_WORKFLOW

ATTACHMENT_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls"}
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PHONE_DIGITS = set("0123456789-")


class IdempotencyConflict(ApplicationError):
    code = "idempotency_key_reused"
    status = 409
    default_message = "该幂等键已用于内容不同的另一条诉求，请使用新的幂等键。"


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = validation_error_fields(exc)
        first = next(iter(fields.values()))[0] if fields else "提交的内容有误。"
        raise ValidationFailed(first, fields=fields) from exc


def new_tracking_code(now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"YS{now:%y%m%d}" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def normalise_phone(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if ch in PHONE_DIGITS).replace("-", "")


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """Hash of a request body, keys sorted, so a retry of the same body compares equal."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def validate_intake(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an appeal's fields (from the form, the API or an import row); return them cleaned or raise
    ValidationFailed listing every problem at once."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    clean["enterprise_name"] = str(data.get("enterprise_name") or "").strip()
    if not clean["enterprise_name"]:
        errors["enterprise_name"] = ["请填写企业名称。"]
    code = str(data.get("credit_code") or "").strip().upper()
    if code:
        error = credit_code_error(code)
        if error:
            errors["credit_code"] = [error]
    elif data.get("require_credit_code", True):
        errors["credit_code"] = ["请填写统一社会信用代码。"]
    clean["credit_code"] = code
    clean["contact_name"] = str(data.get("contact_name") or "").strip()
    if not clean["contact_name"]:
        errors["contact_name"] = ["请填写联系人。"]
    phone = normalise_phone(str(data.get("contact_phone") or ""))
    if not (7 <= len(phone) <= 13):
        errors["contact_phone"] = ["请填写正确的联系电话（手机号或带区号的固定电话）。"]
    clean["contact_phone"] = phone
    category = str(data.get("category") or "")
    if category not in Category.values:
        errors["category"] = ["请选择诉求类型。"]
    clean["category"] = category
    clean["urgent"] = bool(data.get("urgent"))
    description = str(data.get("description") or "").strip()
    limit = int(get_setting("appeals.description_max"))
    if not description:
        errors["description"] = ["请填写诉求内容。"]
    elif len(description) > limit:
        errors["description"] = [f"诉求内容不能超过 {limit} 字（现为 {len(description)} 字）。"]
    clean["description"] = description
    title = str(data.get("title") or "").strip() or description.replace("\n", " ")[:30]
    if len(title) > 200:
        errors["title"] = ["标题不能超过 200 字。"]
    clean["title"] = title
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    return clean


def _find_duplicate(
    *, concerned_enterprise_id: int | None, credit_code: str, phone_hash: str, text: str, now: datetime
) -> Appeal | None:
    """The first open, unlinked appeal of the same party (phone, enterprise or credit code) within the
    window whose text is nearly the same. Candidates come from the shared MinHash index of the routing
    app (indexed band lookups, no scan of history); the same-party filter is applied to those ids."""
    from django.db.models import Q

    days = int(get_setting("appeals.duplicate_window_days"))
    threshold = float(get_setting("appeals.duplicate_threshold"))
    # A generous limit: many parties may write about the same matter (a road, a policy); the ranking
    # is done in memory on signatures already fetched, so it costs no extra query.
    similar = routing_similarity.similar_recent(text, days=days, now=now, threshold=threshold, limit=500)
    if not similar:
        return None
    same_party = Q(phone_hash=phone_hash)
    if concerned_enterprise_id:
        same_party |= Q(concerned_enterprise_id=concerned_enterprise_id)
    if credit_code:
        same_party |= Q(credit_code=credit_code)
    return (
        Appeal.objects.filter(
            same_party,
            pk__in=[pk for pk, _ in similar],
            received_at__gte=now - timedelta(days=days),
            received_at__lte=now,
            duplicate_of__isnull=True,
        )
        .exclude(state=Appeal.State.CLOSED)
        .order_by("received_at", "id")
        .first()
    )


def appeal_text_indexed_on_commit(appeal: Appeal, *, new: bool = False) -> None:
    """Feed the shared similarity index once the current transaction commits. Call it from every write
    that creates an appeal (`new=True`: insert-only) or changes its title or description."""
    from yingshang.routing import services as routing_services

    transaction.on_commit(lambda: routing_services.appeal_index(appeal=appeal, new=new), robust=True)


def _auto_dispatch_on_commit(appeal: Appeal) -> None:
    """Offer a new appeal to automatic dispatch after commit when the office turned it on (the job checks
    the setting again; not enqueuing while it is off saves a queue row per intake)."""
    if get_setting("routing.auto_dispatch_enabled"):
        from yingshang.routing.jobs import consider_auto_dispatch

        transaction.on_commit(lambda: consider_auto_dispatch.enqueue(appeal.pk), robust=True)


def submitting_enterprise(actor: Any) -> Enterprise | None:
    """The enterprise that owns what `actor` submits: only a signed-in enterprise account's own. Every other
    door (the anonymous form, the API, the hotline import) only names the enterprise concerned."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(ENTERPRISE):
        return None
    return actor.enterprise


@transaction.atomic
def appeal_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    files: Sequence[Any] = (),
    source: str = Source.WEB,
    source_system: SourceSystem | None = None,
    external_id: str = "",
    idempotency_scope: str = "",
    idempotency_key: str = "",
    request_hash: str = "",
    received_at: datetime | None = None,
    index_now: bool = False,
) -> Appeal:
    """Register a new appeal (state 待派单) with its attachments; link it to an earlier one it repeats.

    The similarity index is fed once the transaction commits; callers that create many appeals in one
    transaction (the hotline import, the demo) pass `index_now=True` so that later rows of the same
    transaction are compared with the earlier ones (the index rows then roll back with them)."""
    owner = submitting_enterprise(actor)
    if owner is not None:
        # An enterprise account always submits as its own enterprise, whatever the form says.
        data = {**data, "credit_code": owner.credit_code, "enterprise_name": owner.name}
    clean = validate_intake(data)
    for uploaded in files:
        check_upload(uploaded, allowed=ATTACHMENT_TYPES)
    now = received_at or timezone.now()
    concerned: Enterprise | None
    if owner is not None:
        concerned = owner
    elif clean["credit_code"]:
        concerned = Enterprise.objects.filter(credit_code=clean["credit_code"]).first()
    else:
        concerned = None
    phone_hash = blind_index(clean["contact_phone"])
    duplicate = _find_duplicate(
        concerned_enterprise_id=concerned.pk if concerned else None,
        credit_code=clean["credit_code"],
        phone_hash=phone_hash,
        text=f"{clean['title']}\n{clean['description']}",
        now=now,
    )
    appeal = Appeal(
        tracking_code=new_tracking_code(now),
        enterprise=owner,
        concerned_enterprise=concerned,
        enterprise_name=clean["enterprise_name"],
        credit_code=clean["credit_code"],
        contact_name=clean["contact_name"],
        contact_phone=clean["contact_phone"],
        phone_hash=phone_hash,
        phone_last4=clean["contact_phone"][-4:],
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        category=clean["category"],
        urgent=clean["urgent"],
        title=clean["title"],
        description=clean["description"],
        source=source,
        source_system=source_system,
        external_id=external_id,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        duplicate_of=duplicate,
        received_at=now,
        state=Appeal.State.SUBMITTED,
    )
    # Related rows were loaded just above; skip their existence queries (the database checks them anyway).
    _full_clean(
        appeal,
        exclude=[
            "tracking_code",
            "idempotency_key",
            "idempotency_scope",
            "enterprise",
            "concerned_enterprise",
            "submitted_by",
            "source_system",
            "duplicate_of",
            "main_department",
        ],
    )
    appeal.save()
    for uploaded in files:
        attachment_add(actor=actor, obj=appeal, uploaded=uploaded, purpose="appeal", allowed=ATTACHMENT_TYPES)
    note = f"与诉求 {duplicate.tracking_code} 内容相似，已关联为重复诉求。" if duplicate else ""
    record_timeline(appeal, actor=actor, action="submit", label="提交诉求", to_state=appeal.state, note=note)
    audit_record(
        actor=actor,
        action="appeal.submit",
        obj=appeal,
        after={
            "tracking_code": appeal.tracking_code,
            "source": source,
            "category": appeal.category,
            "duplicate_of": duplicate.pk if duplicate else None,
        },
    )
    if index_now:
        from yingshang.routing import services as routing_services

        routing_services.appeal_index(appeal=appeal, new=True)
    else:
        appeal_text_indexed_on_commit(appeal, new=True)
    _auto_dispatch_on_commit(appeal)
    return appeal


def appeal_intake(
    *,
    actor: Any,
    payload: Mapping[str, Any],
    idempotency_key: str,
    source_system: SourceSystem | None = None,
) -> tuple[Appeal, bool]:
    """API intake. Returns (appeal, created). The same key with the same body returns the first appeal;
    the same key with another body is refused. Safe under concurrency: the unique constraint decides."""
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationFailed(
            "请在请求头 Idempotency-Key 中提供幂等键。",
            code="idempotency_key_missing",
            fields={"Idempotency-Key": ["必填。"]},
        )
    if len(key) > 128:
        raise ValidationFailed("幂等键不能超过128个字符。", fields={"Idempotency-Key": ["过长。"]})
    scope = f"sys:{source_system.pk}" if source_system else f"user:{actor.pk}"
    fingerprint = request_fingerprint(payload)
    # Optimistic: most requests are new, so insert first and let the partial unique index on
    # (scope, key) recognise a retry (one query fewer per new appeal). appeal_submit is its own
    # transaction; a unique-key clash rolls it back whole, then the first appeal is returned.
    try:
        appeal = appeal_submit(
            actor=actor,
            data={**payload, "require_credit_code": True},
            source=Source.API,
            source_system=source_system,
            external_id=str(payload.get("external_id") or "")[:64],
            idempotency_scope=scope,
            idempotency_key=key,
            request_hash=fingerprint,
        )
    except IntegrityError:
        # A retry (or a concurrent request) with this key: same body → the first appeal, else 409.
        existing = _replay(scope, key, fingerprint)
        if existing is None:
            raise
        return existing, False
    except ValidationFailed:
        # A retry of an accepted request is answered with the first appeal even if its body would no
        # longer pass (limits changed since); another body under a used key is refused with 409.
        existing = _replay(scope, key, fingerprint)
        if existing is None:
            raise
        return existing, False
    return appeal, True


def _replay(scope: str, key: str, fingerprint: str) -> Appeal | None:
    # The `exclude` repeats the partial unique index's condition so SQLite (and PostgreSQL) can use it.
    existing = (
        Appeal.objects.filter(idempotency_scope=scope, idempotency_key=key)
        .exclude(idempotency_key="")
        .first()
    )
    if existing is not None and existing.request_hash != fingerprint:
        raise IdempotencyConflict()
    return existing


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
                raise ValidationFailed("所选单位不存在。", fields={"co_departments": ["单位不存在。"]})
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
            "同一轮次中同一单位只能派单一次。", fields={"co_departments": ["单位重复。"]}
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
    _push_status(appeal, "dispatch")
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
    Dispatch.objects.filter(appeal=appeal, round=appeal.round, role=Dispatch.Role.MAIN).update(
        signed_at=now, signed_by=actor
    )
    _push_status(appeal, "sign")
    return appeal


@transaction.atomic
def appeal_return(
    *, actor: Any, appeal: Appeal, reason: str, note: str = "", seen_version: int | None = None
) -> Appeal:
    """退单: back to the office for re-dispatch, with a reason."""
    if reason and reason not in Dispatch.ReturnReason.values:
        raise ValidationFailed("请选择退单原因。", fields={"reason": ["无效的退单原因。"]})
    if reason == Dispatch.ReturnReason.OTHER and not note.strip():
        raise ValidationFailed("退单原因为“其他”时须说明理由。", fields={"note": ["请说明理由。"]})
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
    _push_status(appeal, "return")
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
        raise TransitionRefused("该诉求没有当前有效的主办派单。")
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
    _full_clean(reply)
    reply.save()
    Dispatch.objects.filter(pk=dispatch.pk).update(replied_at=now)
    for uploaded in files:
        attachment_add(actor=actor, obj=reply, uploaded=uploaded, purpose="reply", allowed=ATTACHMENT_TYPES)
    _push_status(appeal, "reply", extra={"reply": reply.content})
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
        raise ValidationFailed("请选择满意度。", fields={"satisfaction": ["无效的满意度。"]})
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
        raise TransitionRefused("该诉求尚无答复，不能回访。")
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
    _full_clean(followup)
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
    _push_status(appeal, action, extra={"satisfaction": satisfaction, "solved": bool(solved)})
    return followup


@transaction.atomic
def appeal_close_invalid(
    *, actor: Any, appeal: Appeal, reason: str, note: str = "", seen_version: int | None = None
) -> Appeal:
    """作废: spam, a duplicate or out of scope, with a reason. Closed appeals leave every rate."""
    if reason and reason not in InvalidReason.values:
        raise ValidationFailed("请选择作废原因。", fields={"reason": ["无效的作废原因。"]})
    if reason and not note.strip():
        raise ValidationFailed("请填写作废说明。", fields={"note": ["请填写作废说明。"]})
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
    _push_status(appeal, "close_invalid", extra={"reason": reason})
    return appeal


@transaction.atomic
def dispatch_sign_co(*, actor: Any, dispatch: Dispatch) -> Dispatch:
    """A co-handler acknowledges its part (no state change of the appeal)."""
    from yingshang.org.scope import department_ids

    ids = department_ids(actor)
    if dispatch.role != Dispatch.Role.CO or ids is None or dispatch.department_id not in ids:
        raise TransitionRefused("只有协办单位可以签收协办任务。")
    if not dispatch.is_current or dispatch.signed_at:
        raise TransitionRefused("该协办任务已签收或已失效。")
    updated = Dispatch.objects.filter(pk=dispatch.pk, signed_at__isnull=True).update(
        signed_at=_now(), signed_by=actor
    )
    if updated != 1:
        raise TransitionRefused("该协办任务已签收。")
    dispatch.refresh_from_db()
    record_timeline(
        dispatch.appeal, actor=actor, action="co_sign", label="协办签收", note=str(dispatch.department)
    )
    audit_record(actor=actor, action="appeal.co_sign", obj=dispatch.appeal, after={"dispatch": dispatch.pk})
    return dispatch


@transaction.atomic
def extension_request(*, actor: Any, appeal: Appeal, days: int, reason: str) -> ExtensionRequest:
    """延期申请 by the main department while handling; the office approves or refuses."""
    if appeal.state != Appeal.State.SIGNED:
        raise TransitionRefused("只有办理中的诉求可以申请延期。")
    if not is_main_department(actor, appeal):
        raise NotFound()
    limit = int(get_setting("appeals.extension_max_days"))
    errors: dict[str, list[str]] = {}
    if not (1 <= int(days or 0) <= limit):
        errors["days"] = [f"延期天数应为 1 至 {limit} 个工作日。"]
    if not (reason or "").strip():
        errors["reason"] = ["请填写延期理由。"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    if appeal.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise TransitionRefused("已有待审批的延期申请。")
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
    _full_clean(extension)
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
    appeal = extension.appeal
    if approve:
        Dispatch.objects.filter(pk=extension.dispatch_id).update(reply_deadline=extension.new_deadline)
        if extension.dispatch.round == appeal.round:
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
    from .permissions import is_office

    if not is_office(actor):
        raise TransitionRefused("只有营商办可以认定不合理诉求。", code="forbidden")
    if not (reason or "").strip():
        raise ValidationFailed("请填写认定理由。", fields={"reason": ["请填写认定理由。"]})
    if followup.unreasonable:
        raise TransitionRefused("该回访已认定为不合理诉求。")
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


# --- recomputing clocks after a calendar change ------------------------------------------------------

IN_HAND = (Appeal.State.DISPATCHED, Appeal.State.SIGNED)


def appeal_deadlines_recompute(*, first: date, last: date) -> int:
    """After the office changed the working-day calendar on [first, last] (an override, or a year's
    schedule entered): recompute the clocks of every appeal a department holds whose current round's span
    (dispatch to reply deadline) reaches into that range — provisional ones included — from the round's
    dispatch time, the limits and rules in force then, and its approved extensions. The sign deadline is
    only moved while unsigned, the reply deadline while unanswered. Safe to run twice: unchanged clocks
    are left alone. Returns the number of appeals whose clocks changed."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    # Uses the (state, reply_deadline) index; sign deadlines never fall after the reply deadline.
    ids = list(
        Appeal.objects.filter(state__in=IN_HAND, reply_deadline__gte=start)
        .order_by()
        .values_list("pk", flat=True)
    )
    changed = 0
    for pk in ids:
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().filter(pk=pk, state__in=IN_HAND).first()
            if appeal is not None and _recompute_one(appeal, last):
                changed += 1
    return changed


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _recompute_one(appeal: Appeal, last: date) -> bool:
    dispatch = (
        Dispatch.objects.filter(appeal=appeal, round=appeal.round, role=Dispatch.Role.MAIN, is_current=True)
        .order_by("id")
        .first()
    )
    if dispatch is None or timezone.localdate(dispatch.dispatched_at) > last:
        return False
    approved = list(
        ExtensionRequest.objects.filter(dispatch=dispatch, state=ExtensionRequest.State.APPROVED)
        .order_by("decided_at", "id")
        .values_list("days", flat=True)
    )
    clocks = deadlines.clocks_for(appeal.category, appeal.urgent, dispatch.dispatched_at, approved)
    old_sign, old_reply = appeal.sign_deadline, appeal.reply_deadline
    before = {
        "sign_deadline": appeal.sign_deadline,
        "sign_deadline_provisional": appeal.sign_deadline_provisional,
        "reply_deadline": appeal.reply_deadline,
        "reply_deadline_provisional": appeal.reply_deadline_provisional,
    }
    after = dict(before)
    if appeal.state == Appeal.State.DISPATCHED:
        after["sign_deadline"] = clocks.sign.at
        after["sign_deadline_provisional"] = clocks.sign.provisional
    after["reply_deadline"] = clocks.reply.at
    after["reply_deadline_provisional"] = clocks.reply.provisional
    if after == before:
        return False
    for field, value in after.items():
        setattr(appeal, field, value)
    appeal.save(update_fields=[*after, "updated_at"])
    current = Dispatch.objects.filter(appeal=appeal, round=appeal.round, is_current=True)
    current.filter(signed_at__isnull=True).update(sign_deadline=clocks.sign.at)
    current.filter(replied_at__isnull=True).update(reply_deadline=clocks.reply.at)
    note = f"答复时限 {_when(old_reply)} → {_when(clocks.reply.at)}"
    if appeal.sign_deadline != old_sign:
        note = f"签收时限 {_when(old_sign)} → {_when(clocks.sign.at)}；{note}"
    if not clocks.reply.provisional and before["reply_deadline_provisional"]:
        note += "（按已录入的工作日安排确定，不再为临时时限）"
    record_timeline(appeal, actor=None, action="deadline_recompute", label="时限重算", note=note)
    audit_record(
        actor=None,
        action="appeal.deadline_recompute",
        obj=appeal,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in after.items()},
    )
    return True


# --- 回传 outbox -------------------------------------------------------------------------------------


def status_payload(appeal: Appeal, event: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "external_id": appeal.external_id,
        "tracking_code": appeal.tracking_code,
        "event": event,
        "state": appeal.state,
        "state_label": Appeal.State(appeal.state).label,
        "version": appeal.version,
        "department": str(appeal.main_department) if appeal.main_department_id else None,
        "at": timezone.now().isoformat(),
        **(extra or {}),
    }


def _push_status(
    appeal: Appeal, event: str, extra: Mapping[str, Any] | None = None
) -> WebhookDelivery | None:
    if not appeal.source_system_id:
        return None
    system = appeal.source_system
    if system is None or not system.is_active or not system.webhook_url:
        return None
    delivery = WebhookDelivery.objects.create(
        source_system=system,
        appeal=appeal,
        event=event,
        payload=status_payload(appeal, event, extra),
        next_attempt_at=timezone.now(),
    )
    from .jobs import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return delivery


def sign_body(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one outbox row. No lock is held during the HTTP call; the attempt counter is the claim."""
    import requests

    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("source_system").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "skipped"
    if delivery.next_attempt_at > now + timedelta(seconds=1):
        return "not_due"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status="pending"
    ).update(attempts=delivery.attempts + 1)
    if claimed != 1:
        return "skipped"
    attempts = delivery.attempts + 1
    system = delivery.source_system
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Yingshang-Event": delivery.event,
        "X-Yingshang-Delivery": str(delivery.pk),
        "X-Yingshang-Signature": "sha256=" + sign_body(system.webhook_secret or "", body),
    }
    error = ""
    try:
        response = requests.post(system.webhook_url, data=body, headers=headers, timeout=5)
        if 200 <= response.status_code < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status="sent", sent_at=timezone.now(), last_error=""
            )
            return "sent"
        error = f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    max_attempts = int(get_setting("appeals.webhook_max_attempts"))
    if attempts >= max_attempts:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", last_error=error)
        return "failed"
    delay = int(get_setting("appeals.webhook_base_delay")) * 2 ** (attempts - 1)
    next_at = max(now, timezone.now()) + timedelta(seconds=delay)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=next_at, last_error=error)
    from .jobs import schedule_retry

    schedule_retry(delivery.pk, next_at)
    return "retry"


def webhook_retry_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Periodic sweep: send every pending row whose time has come (covers backends that cannot defer)."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(status="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        webhook_deliver(delivery_id=pk, now=now)
    return len(ids)


# --- hotline import ----------------------------------------------------------------------------------

CATEGORY_BY_LABEL = {label: value for value, label in Category.choices}


def _parse_received(raw: str) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d",
        "%Y/%m/%d",
    ):
        try:
            return timezone.make_aware(datetime.strptime(raw, fmt))
        except ValueError:
            continue
    return None


def appeals_import(
    *, actor: Any, rows: Sequence[Mapping[str, str]], source_system: SourceSystem | None = None
) -> list[Appeal]:
    """Import mapped hotline rows: every row is checked first; one bad row and nothing is imported."""
    from .permissions import can_import_appeals

    if not can_import_appeals(actor):
        raise TransitionRefused("只有营商办可以导入热线工单。", code="forbidden")
    scope = f"import:{source_system.pk if source_system else 'office'}"
    errors: dict[str, list[str]] = {}
    prepared = []
    seen: set[str] = set()
    existing = set(
        Appeal.objects.filter(
            idempotency_scope=scope, idempotency_key__in=[str(r.get("external_id", "")).strip() for r in rows]
        ).values_list("idempotency_key", flat=True)
    )
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        external_id = str(row.get("external_id") or "").strip()
        if not external_id:
            problems.append("缺少工单编号。")
        elif external_id in seen:
            problems.append(f"工单编号 {external_id} 在文件中重复。")
        elif external_id in existing:
            problems.append(f"工单编号 {external_id} 已导入过。")
        seen.add(external_id)
        category = row.get("category", "").strip()
        data = {**row, "category": CATEGORY_BY_LABEL.get(category, category), "require_credit_code": False}
        received = _parse_received(row.get("received_at", ""))
        if row.get("received_at", "").strip() and received is None:
            problems.append("受理时间格式应为 2026-09-30 15:00。")
        try:
            validate_intake(data)
        except ValidationFailed as exc:
            problems.extend(m for messages in exc.fields.values() for m in messages)
        if problems:
            errors[f"第{number}行"] = problems
        prepared.append((external_id, data, received))
    if errors:
        raise ValidationFailed(
            f"共有 {len(errors)} 行有误，未导入任何数据，请修改后重新上传。", fields=errors
        )
    with transaction.atomic():
        created = [
            appeal_submit(
                actor=actor,
                data=data,
                source=Source.HOTLINE,
                source_system=source_system,
                external_id=external_id[:64],
                idempotency_scope=scope,
                idempotency_key=external_id[:128],
                received_at=received,
                index_now=True,
            )
            for external_id, data, received in prepared
        ]
        audit_record(actor=actor, action="appeal.import", after={"rows": len(created), "scope": scope})
    return created
