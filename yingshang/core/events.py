"""The only writer of item timelines."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from .actors import Actor, account_of
from .models import TimelineEntry

# Loading history through the services (demo data, migrating an old ledger): `with timeline_at(when):` dates
# every timeline line written inside, including those the workflow engine writes for transitions.
_history_at: ContextVar[datetime | None] = ContextVar("timeline_history_at", default=None)


@contextmanager
def timeline_at(when: datetime) -> Iterator[None]:
    token = _history_at.set(when)
    try:
        yield
    finally:
        _history_at.reset(token)


def _now() -> datetime:
    return _history_at.get() or timezone.now()


def record_timeline(
    obj: models.Model,
    *,
    actor: Actor,
    action: str,
    label: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    """`at` defaults to now (or the time set by `timeline_at`); back-filled histories pass when it happened."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        at=at or _now(),
        actor=account_of(actor),
        action=action,
        label=label,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


_COLUMNS = ("content_type_id", "object_id", "at", "actor_id", "action", "label", "from_state", "to_state")
_COLUMNS_TAIL = ("note", "data")


def record_timeline_many(entries: Iterable[dict[str, Any]], *, at: datetime | None = None) -> int:
    """Bulk form for scans and imports writing thousands of lines: COPY on PostgreSQL, one prepared INSERT
    run for every row on SQLite, no model instances (at 10,000 rows building them is most of the cost). Each entry has
    the keyword arguments of `record_timeline` plus either `obj` (the item) or `model` and `object_id` (for a
    caller that holds only ids). `at`: per entry, else the argument, else now (or `timeline_at`'s time).
    Returns the count written."""
    now = at or _now()
    types: dict[Any, int] = {}
    adapt_at = connection.ops.adapt_datetimefield_value
    adapt_json = connection.ops.adapt_json_value
    now_db = adapt_at(now)
    rows: list[tuple[Any, ...]] = []
    for e in entries:
        obj = e.get("obj")
        model = type(obj) if obj is not None else e["model"]
        ct = types.get(model)
        if ct is None:
            ct = types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        actor = e.get("actor")
        who = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
        rows.append(
            (
                ct,
                e["object_id"] if obj is None else obj.pk,
                adapt_at(e["at"]) if e.get("at") else now_db,
                who,
                e["action"],
                e["label"],
                e.get("from_state", ""),
                e.get("to_state", ""),
                e.get("note", ""),
                adapt_json(e.get("data") or {}, None),
            )
        )
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table, names = qn(TimelineEntry._meta.db_table), ", ".join(qn(c) for c in _COLUMNS + _COLUMNS_TAIL)
    if connection.vendor == "postgresql":
        # COPY: a VALUES list of thousands of placeholders costs more to parse on the client than to run.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    # SQLite: executemany of one prepared INSERT (the driver loops in C), faster than multi-row VALUES.
    one = ", ".join(["%s"] * (len(_COLUMNS) + len(_COLUMNS_TAIL)))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({one})", rows)
    return len(rows)


def timeline_for(obj: models.Model):
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).select_related("actor")
