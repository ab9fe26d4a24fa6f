"""The only writer of audit records. Call `record` inside the transaction of the change it describes,
so the record exists exactly when the change does."""

from typing import Any

from django.db import models
from django.utils import timezone

from yingshang.core.actors import Actor, account_of

from .context import current
from .models import AuditRecord


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: Any = None,
    after: Any = None,
    detail: str = "",
    username: str = "",
    ip: str | None = None,
) -> AuditRecord:
    """`ip` overrides the current request's address, for records written later on a request's behalf."""
    ctx = current.get()
    user = account_of(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    department = user.department if user is not None else None
    return AuditRecord.objects.create(
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_username=(user.get_username() if user is not None else username)[:150],
        actor_roles=",".join(sorted(user.role_codes)) if user is not None else "",
        actor_department=str(department)[:100] if department else "",
        ip=ctx.ip if ip is None else ip[:45],
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        before=before,
        after=after,
        detail=detail,
    )
