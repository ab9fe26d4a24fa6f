"""The only writer of item timelines."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import TimelineEntry


def record_timeline(
    obj: models.Model,
    *,
    actor: Any,
    action: str,
    label: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        label=label,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def timeline_for(obj: models.Model):
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).select_related("actor")
