"""Every read of the appeals loop, already scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yingshang.core.events import timeline_for
from yingshang.core.uploads import attachments_for
from yingshang.org import roles as r
from yingshang.org.scope import department_ids

from .models import Appeal, Dispatch, ExtensionRequest, FollowUp, Reply
from .workflow import OPEN_STATES


def appeals_visible(user: Any) -> QuerySet[Appeal]:
    """Office and city-wide readers: all; departments: what is (or was) dispatched to them; enterprises:
    their own; a source system's account: what it pushed in; anyone else: nothing."""
    qs = Appeal.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    ids = department_ids(user)
    if ids is None:
        return qs
    condition: Any = Q(pk__in=[])
    if ids:
        condition |= Q(main_department_id__in=ids) | Exists(
            Dispatch.objects.filter(appeal=OuterRef("pk"), department_id__in=ids)
        )
    if user.has_role(r.ENTERPRISE) and user.enterprise_id:
        condition |= Q(enterprise_id=user.enterprise_id)
    system = getattr(user, "appeal_source_system", None)
    if system is not None:
        condition |= Q(source_system_id=system.pk)
    return qs.filter(condition)


# Filters that are one lookup on an indexed column: GET parameter → lookup.
SIMPLE_FILTERS = {
    "department": "main_department_id",
    "category": "category",
    "source": "source",
    "start": "received_at__date__gte",
    "end": "received_at__date__lte",
}


def _queue_of(user: Any) -> QuerySet[Appeal]:
    ids = department_ids(user)
    if ids is not None and ids and not (user.has_role(r.ENTERPRISE) and user.enterprise_id):
        # A department's queue: what it handles as main department, plus open appeals it co-handles in
        # the current round. Co-handling is rare, so those ids are fetched first and the list stays one
        # indexed query on (main_department, state, received_at).
        co_ids = list(
            Dispatch.objects.filter(
                department_id__in=ids, is_current=True, role=Dispatch.Role.CO, appeal__state__in=OPEN_STATES
            ).values_list("appeal_id", flat=True)[:1000]
        )
        return Appeal.objects.filter(Q(main_department_id__in=ids) | Q(pk__in=co_ids))
    return appeals_visible(user)


def _conditions(f: Mapping[str, Any]) -> list[Any]:
    """The filters' conditions beyond the simple ones."""
    out: list[Any] = []
    state = f.get("state")
    if state:
        out.append(Q(state__in=OPEN_STATES) if state == "open" else Q(state=state))
    if f.get("urgent"):
        out.append(Q(urgent=True))
    duplicates = {"only": False, "exclude": True}.get(f.get("duplicates") or "")
    if duplicates is not None:
        out.append(Q(duplicate_of__isnull=duplicates))
    if f.get("overdue"):
        now = timezone.now()
        out.append(
            Q(state=Appeal.State.DISPATCHED, sign_deadline__lt=now)
            | Q(state=Appeal.State.SIGNED, reply_deadline__lt=now)
        )
    if f.get("extension"):
        pending = ExtensionRequest.objects.filter(appeal=OuterRef("pk"), state=ExtensionRequest.State.PENDING)
        out.append(Exists(pending))
    q = (f.get("q") or "").strip()
    if q:
        out.append(Q(tracking_code=q.upper()) | Q(title__icontains=q) | Q(enterprise_name__icontains=q))
    return out


def appeal_list(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Appeal]:
    """The queue: filtered by GET parameters on indexed columns."""
    f = filters or {}
    qs = _queue_of(user).filter(
        *_conditions(f), **{lookup: f[key] for key, lookup in SIMPLE_FILTERS.items() if f.get(key)}
    )
    return qs.select_related("main_department").order_by("-received_at", "-id")


def appeal_detail(appeal: Appeal) -> dict[str, Any]:
    dispatches = list(
        appeal.dispatches.select_related("department", "signed_by", "dispatched_by").order_by(
            "round", "role", "id"
        )
    )
    replies = list(Reply.objects.filter(appeal=appeal).select_related("department", "replied_by"))
    followups = list(
        FollowUp.objects.filter(appeal=appeal).select_related("department", "recorded_by", "unreasonable_by")
    )
    extensions = list(
        ExtensionRequest.objects.filter(appeal=appeal).select_related(
            "dispatch", "requested_by", "decided_by"
        )
    )
    reply_files = {reply.pk: list(attachments_for(reply)) for reply in replies}
    return {
        "dispatches": dispatches,
        "replies": [(reply, reply_files[reply.pk]) for reply in replies],
        "followups": followups,
        "extensions": extensions,
        "attachments": list(attachments_for(appeal)),
        "timeline": list(timeline_for(appeal)),
        "duplicates": list(appeal.duplicates.only("pk", "tracking_code", "title", "received_at")),
    }


def appeal_by_tracking(code: str, last4: str) -> Appeal | None:
    code = (code or "").strip().upper()
    last4 = (last4 or "").strip()
    if not code or len(last4) != 4:
        return None
    return Appeal.objects.filter(tracking_code=code, phone_last4=last4).first()


def public_timeline(appeal: Appeal) -> list[dict[str, Any]]:
    """What an anonymous submitter sees: steps and times, no names of officials, no internal notes."""
    visible = {"submit", "dispatch", "sign", "return", "reply", "conclude", "reopen", "close_invalid"}
    return [{"at": e.at, "label": e.label} for e in timeline_for(appeal) if e.action in visible]
