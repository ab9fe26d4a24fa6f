"""The only writer of audit records. Call `record` inside the transaction of the change it describes,
so the record exists exactly when the change does."""

from typing import Any

from django.db import models
from django.utils import timezone

from .context import current
from .models import AuditRecord


def record(
    *,
    actor: Any,
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
    authenticated = getattr(actor, "is_authenticated", False)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    department = getattr(actor, "department", None) if authenticated else None
    return AuditRecord.objects.create(
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        actor_roles=",".join(sorted(getattr(actor, "role_codes", ()))) if authenticated else "",
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
