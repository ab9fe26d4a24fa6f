"""The two-person rule's second half: a second admin confirms or rejects a proposal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yingshang.core.actors import Actor
from yingshang.core.errors import ValidationFailed
from yingshang.core.workflow import apply_transition

from ..models import AdminChangeRequest, User
from ..permissions import is_second_person
from ..workflow import ADMIN_CHANGE
from .accounts import apply_roles, check_role_change
from .factor import remove_devices
from .resets import issue_reset_link

_PREDICATES = {
    "second_person": is_second_person,
    "past_deadline": lambda user, change: change.expires_at <= timezone.now(),
}


@transaction.atomic
def admin_change_decide(*, actor: Actor, change: AdminChangeRequest, action: str) -> AdminChangeRequest:
    """Confirm (the change takes effect now) or reject a proposal. A proposal past its deadline expires
    instead, whatever was asked."""
    if action not in ("confirm", "reject"):
        raise ValidationFailed("未知的操作。", code="org.unknown_decision")
    now = timezone.now()
    if change.state == AdminChangeRequest.State.PENDING and change.expires_at <= now:
        apply_transition(change, workflow=ADMIN_CHANGE, user=actor, action="expire", predicates=_PREDICATES)
        return change
    apply_transition(
        change,
        workflow=ADMIN_CHANGE,
        user=actor,
        action=action,
        predicates=_PREDICATES,
        changes={"decided_by": actor, "decided_at": now},
    )
    if action == "confirm":
        _carry_out(change, actor=actor)
    return change


def _carry_out(change: AdminChangeRequest, *, actor: Actor) -> None:
    """The confirmer carries out the change; the audit record names the proposer too."""
    target = User.objects.select_for_update().get(pk=change.target_id)
    proposer = change.proposed_by
    if change.kind == AdminChangeRequest.Kind.ROLES:
        roles = set(change.payload["roles"])
        if sorted(target.role_codes) != change.payload["before"]:
            raise ValidationFailed(
                "该账号的角色在申请之后已有变化，请驳回后重新发起。", code="org.change_stale"
            )
        check_role_change(actor=proposer, user=target, roles=roles)
        apply_roles(actor=actor, user=target, roles=roles, proposed_by=proposer)
    elif change.kind == AdminChangeRequest.Kind.PASSWORD_RESET:
        issue_reset_link(actor=actor, user=target, proposed_by=proposer)
    else:
        remove_devices(actor=actor, user=target, proposed_by=proposer)
