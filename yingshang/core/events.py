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


def record_timeline_many(entries: list[dict[str, Any]]) -> int:
    """Bulk form for scans and imports writing thousands of lines: each entry has `obj` plus the keyword
    arguments of `record_timeline`; one multi-row insert."""
    rows = [
        TimelineEntry(
            content_type=ContentType.objects.get_for_model(e["obj"], for_concrete_model=False),
            object_id=e["obj"].pk,
            actor=e.get("actor") if getattr(e.get("actor"), "is_authenticated", False) else None,
            action=e["action"],
            label=e["label"],
            from_state=e.get("from_state", ""),
            to_state=e.get("to_state", ""),
            note=e.get("note", ""),
            data=e.get("data") or {},
        )
        for e in entries
    ]
    TimelineEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def timeline_for(obj: models.Model):
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).select_related("actor")
