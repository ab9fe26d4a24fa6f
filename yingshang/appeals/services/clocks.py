"""Recomputing the clocks of appeals in hand after the office changed the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.events import record_timeline

from .. import deadlines
from ..models import (
    Appeal,
    Dispatch,
    ExtensionRequest,
)

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
