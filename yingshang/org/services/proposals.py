"""The two-person rule's first half: a change to an admin-duty account becomes a proposal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed

from .. import roles as r
from ..models import AdminChangeRequest, User
from .common import ACCOUNT_NOTICE, full_clean

PROPOSAL_LIFETIME = timedelta(days=3)


def needs_second_person(user: User, roles: set[str] | frozenset[str] = frozenset()) -> bool:
    return bool((user.role_codes | roles) & r.ADMIN_DUTIES)


def propose(
    *, actor: User, kind: str, target: User, payload: dict[str, Any] | None = None
) -> AdminChangeRequest:
    from django.urls import reverse

    from yingshang.notify.services import notify

    if AdminChangeRequest.objects.filter(
        target=target, kind=kind, state=AdminChangeRequest.State.PENDING
    ).exists():
        raise ValidationFailed("该账号已有一项同类申请等待确认，请先处理那一项。", code="org.change_pending")
    now = timezone.now()
    change = AdminChangeRequest(
        kind=kind,
        target=target,
        payload=payload or {},
        proposed_by=actor,
        created_at=now,
        expires_at=now + PROPOSAL_LIFETIME,
    )
    full_clean(change)
    change.save()
    audit_record(
        actor=actor,
        action="admin_change.propose",
        obj=change,
        after={"kind": kind, "target": target.username, **change.payload},
    )
    confirmers = User.objects.filter(is_active=True, roles__gte=r.ADMIN_BITS_FLOOR).exclude(
        pk__in=[actor.pk, target.pk]
    )
    notify(
        recipients=list(confirmers),
        kind=ACCOUNT_NOTICE,
        title=f"待确认：{change.get_kind_display()}（{target.username}）",
        body=f"{actor}申请对管理员账号 {target.username} 进行{change.get_kind_display()}，须由另一名管理员确认后生效。",
        link=reverse("org:admin_change_list"),
        item=change,
    )
    return change
