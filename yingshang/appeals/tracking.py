"""The public tracking page (诉求进度查询): the look-up with the tracking code and the last four digits of
the phone, rate-limited per address (every attempt) and per code (failed attempts) in the shared store so
every worker counts; what the page shows; and the anonymous submitter's rating (满意度评价) after the reply,
recorded through the same follow-up service and workflow as an enterprise account's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from yingshang.core import ratelimit
from yingshang.core.errors import PermissionRefused, TransitionRefused
from yingshang.core.office_settings import get_setting

from . import selectors, services
from .models import Appeal, ExtensionRequest, FollowUp

TRACK_LIMIT = "appeal-track"
TRACK_CODE_LIMIT = "appeal-track-code"

# Codes raised here (to be listed with the other appeals codes in appeals/errors.py).
CODES: dict[str, str] = {
    "appeals.rate_owned_by_account": "企业账号提交的诉求由该账号评价，不能在查询页匿名评价",
    "appeals.rate_already_given": "本轮答复已评价",
    "appeals.rate_before_reply": "诉求尚未答复，不能评价",
}


@dataclass(frozen=True)
class Lookup:
    appeal: Appeal | None
    error: str | None = None
    status: int = 200


def look_up(*, code: str, last4: str, address: str) -> Lookup:
    """The appeal with this code and phone ending, or why not. Counted before the lookup, so parallel
    guesses cannot all pass one check; a lookup that finds the appeal gives its place back (only failures
    count against a code)."""
    code = code.strip().upper()
    per_address = ratelimit.hit(TRACK_LIMIT, address)
    per_code = ratelimit.hit(TRACK_CODE_LIMIT, code)
    if per_address > int(get_setting("appeals.track_limit_per_ip")) or per_code > int(
        get_setting("appeals.track_limit_per_code")
    ):
        ratelimit.refund(TRACK_CODE_LIMIT, code)
        return Lookup(None, "查询过于频繁，请一小时后再试。", 429)
    appeal = selectors.appeal_by_tracking(code, last4)
    if appeal is None:
        return Lookup(None, "未找到对应的诉求，请核对查询码和联系电话后四位。")
    ratelimit.refund(TRACK_CODE_LIMIT, code)
    return Lookup(appeal)


def rating_refusal(appeal: Appeal) -> tuple[str, str] | None:
    """(code, message) when the submitter may not rate now, None when the page offers the rating."""
    if appeal.enterprise_id is not None:
        return "appeals.rate_owned_by_account", "该诉求由企业账号提交，请登录企业账号进行评价。"
    if appeal.state == Appeal.State.REPLIED:
        return None
    if FollowUp.objects.filter(appeal=appeal, round=appeal.round).exists():
        return "appeals.rate_already_given", "您已对本轮答复作出评价，感谢您的反馈。"
    return "appeals.rate_before_reply", "诉求答复后才能评价。"


def page_context(appeal: Appeal) -> dict[str, Any]:
    """What the submitter may know: the steps, the replies, an approved extension (how long, the new time
    limit, not the department's reasons), the rating given, and whether a rating is offered."""
    followups = list(appeal.followups.only("round", "satisfaction", "solved", "recorded_at").order_by("id"))
    return {
        "timeline": selectors.public_timeline(appeal),
        "replies": list(appeal.replies.select_related("department").order_by("replied_at")),
        "awaiting_reply": appeal.state in (Appeal.State.DISPATCHED, Appeal.State.SIGNED),
        "answered": appeal.state in (Appeal.State.REPLIED, Appeal.State.CONCLUDED),
        "closed_invalid": appeal.state == Appeal.State.CLOSED,
        "extensions": list(
            appeal.extensions.filter(state=ExtensionRequest.State.APPROVED, dispatch__round=appeal.round)
            .only("days", "new_deadline", "decided_at")
            .order_by("decided_at")
        ),
        "followups": followups,
        "can_rate": rating_refusal(appeal) is None,
        "rate_owned_by_account": appeal.enterprise_id is not None and appeal.state == Appeal.State.REPLIED,
        "satisfactions": FollowUp.Satisfaction.choices,
    }


@transaction.atomic
def appeal_rate_by_submitter(
    *, appeal: Appeal, satisfaction: str, solved: bool | None, note: str = ""
) -> FollowUp:
    """The anonymous submitter's rating of the current reply, after the tracking code and the phone's last
    four digits were checked: the enterprise's follow-up with no account (不满意 reopens within the office's
    limit, one rating per round); audited by the workflow as the anonymous submitter."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    refusal = rating_refusal(appeal)
    if refusal is not None:
        code, message = refusal
        if code == "appeals.rate_owned_by_account":
            raise PermissionRefused(message, code=code)
        raise TransitionRefused(message, code=code)
    return services.appeal_follow_up(
        actor=AnonymousUser(), appeal=appeal, satisfaction=satisfaction, solved=solved, note=note.strip()
    )
