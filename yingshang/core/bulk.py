"""Plain multi-row inserts for the writers that make thousands of rows at once (a 10,000-row ledger import,
the reminder scan): the ORM's per-object work (bulk_create compiling every field of every row) is most of
their cost. Values go through each field's own database conversion where the driver cannot take them as
they are, so SQLite and PostgreSQL get what the ORM would send; a unique violation is raised as Django's
IntegrityError on both, which is how the reminder scan notices a concurrent claim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

# Field types whose Python values the database drivers take as they are (no conversion needed).
PLAIN_TYPES = {
    "CharField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BooleanField",
    "ForeignKey",
}
# PostgreSQL's adapters take these as they are too (Django's PostgreSQL operations return them unchanged).
PLAIN_ON_POSTGRESQL = PLAIN_TYPES | {"DateField", "DateTimeField", "DecimalField"}


def _plain(columns: list[Any], connection: Any) -> list[bool]:
    plain = PLAIN_ON_POSTGRESQL if connection.vendor == "postgresql" else PLAIN_TYPES
    return [c.get_internal_type() in plain for c in columns]


def _columns(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _values(objs: Sequence[models.Model], columns: list[Any], connection: Any) -> list[list[Any]]:
    plain = _plain(columns, connection)
    out = []
    for obj in objs:
        row = []
        for c, simple in zip(columns, plain, strict=True):
            value = c.pre_save(obj, True)
            row.append(value if simple else c.get_db_prep_save(value, connection))
        out.append(row)
    return out


def insert_returning_ids(objs: Sequence[models.Model]) -> None:
    """INSERT ... RETURNING id; sets each instance's pk (both backends return the ids in the order the rows
    are given, as Django's bulk_create relies on)."""
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    opts = model._meta
    columns = _columns(model)
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    rows = _values(objs, columns, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column through UNNEST (as Django's own bulk_create does on PostgreSQL): a VALUES
            # list of thousands of placeholders costs more to parse on the client than to run.
            arrays = ", ".join(f"%s::{c.cast_db_type(connection)}[]" for c in columns)
            for i in range(0, len(rows), 5000):
                chunk = rows[i : i + 5000]
                cursor.execute(
                    f"INSERT INTO {quote(opts.db_table)} ({names}) SELECT * FROM UNNEST({arrays})"
                    f" RETURNING {quote(opts.pk.column)}",
                    [[row[k] for row in chunk] for k in range(len(columns))],
                )
                _set_ids(objs[i : i + 5000], cursor.fetchall())
            return
        head = f"INSERT INTO {quote(opts.db_table)} ({names}) VALUES "
        tail = " RETURNING " + quote(opts.pk.column)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, min(500, 30000 // len(columns)))
        for i in range(0, len(rows), per_statement):
            chunk = rows[i : i + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row])
            _set_ids(objs[i : i + per_statement], cursor.fetchall())


def _set_ids(objs: Sequence[models.Model], returned: list[tuple[Any, ...]]) -> None:
    for obj, (pk,) in zip(objs, returned, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def insert_rows(model: type[models.Model], fields: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows whose ids are not needed, as tuples in the order of `fields` (field names or attnames such as
    "department_id"): COPY on PostgreSQL, multi-row INSERTs on SQLite."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    columns: list[Any] = [opts.get_field(f) for f in fields]
    plain = _plain(columns, connection)
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; psycopg adapts each value as it would a query parameter.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(
                        [
                            v if simple else c.get_db_prep_save(v, connection)
                            for c, v, simple in zip(columns, row, plain, strict=True)
                        ]
                    )
            return
        head = f"INSERT INTO {quote(opts.db_table)} ({names}) VALUES "
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, min(500, 30000 // len(columns)))
        for i in range(0, len(rows), per_statement):
            chunk = rows[i : i + per_statement]
            params: list[Any] = []
            for row in chunk:
                params.extend(
                    v if simple else c.get_db_prep_save(v, connection)
                    for c, v, simple in zip(columns, row, plain, strict=True)
                )
            cursor.execute(head + ", ".join([one] * len(chunk)), params)
