"""SQL behind the application's back, as an intruder would run it."""

from django.db import connection


def run_behind_the_application(sql: str, params: list | None = None) -> None:
    """On PostgreSQL with superuser rights: the append-only trigger switched off for this statement only
    (session_replication_role). On SQLite, with the database file in hand: the append-only triggers
    dropped, and put back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params or [])
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'")
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params or [])
        for _, create in triggers:
            cursor.execute(create)
