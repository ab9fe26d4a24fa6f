"""Timeline writers of supervision beyond the generic ones. The reminder scan writes thousands of entries at
once; `timeline_many` writes the same rows `core.events.record_timeline` would, with one multi-row INSERT.
Each row: (content_type_id, object_id, at, action, label, from_state, to_state, note, data) with `at` and
`data` already adapted for the database (yingshang.notify.bulk)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from yingshang.core.models import TimelineEntry
from yingshang.notify.bulk import insert_rows

COLUMNS = ["content_type_id", "object_id", "at", "action", "label", "from_state", "to_state", "note", "data"]


def timeline_many(rows: Sequence[Sequence[Any]]) -> None:
    insert_rows(TimelineEntry, COLUMNS, rows)
