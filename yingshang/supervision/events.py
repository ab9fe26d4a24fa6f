"""Timeline writers of supervision beyond the generic ones. The reminder scan writes many entries at once;
`timeline_many` does that with one insert (the same rows `core.events.record_timeline` writes)."""

from __future__ import annotations

from typing import Any

from yingshang.core.models import TimelineEntry


def timeline_entry(
    *, content_type_id: int, object_id: int, action: str, label: str, note: str = "", data: dict[str, Any] | None = None
) -> TimelineEntry:
    return TimelineEntry(
        content_type_id=content_type_id,
        object_id=object_id,
        actor=None,
        action=action,
        label=label[:200],
        note=note,
        data=data or {},
    )


def timeline_many(entries: list[TimelineEntry]) -> None:
    if entries:
        TimelineEntry.objects.bulk_create(entries, batch_size=1000)
