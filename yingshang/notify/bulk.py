"""Plain multi-row INSERTs for the few writers that make thousands of rows at once (the reminder scan):
bulk_create spends most of its time building model instances and compiling per-field SQL. Same SQL on
SQLite and PostgreSQL; values are adapted with the backend's own converters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def adapt_datetime(value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def adapt_date(value: Any) -> Any:
    return connection.ops.adapt_datefield_value(value)


def adapt_json(value: Any) -> Any:
    return connection.ops.adapt_json_value(value, None)
