"""Databases for benchmarks that need data at design scale without touching the configured one: a fresh
migrated database beside it, and copies of that database (PostgreSQL clones it from a template, SQLite copies
the file), each dropped afterwards. The default connection points at whichever is in use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, connections


@contextmanager
def throwaway_database(suffix: str) -> Iterator[None]:
    """`<configured name>_<suffix>` on PostgreSQL, a file in a temporary directory on SQLite."""
    settings_dict = connection.settings_dict
    test_settings = settings_dict.setdefault("TEST", {})
    saved = test_settings.get("NAME")
    tmpdir = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix=f"ys_{suffix}_")
        test_settings["NAME"] = os.path.join(tmpdir, f"{suffix}.sqlite3")
    else:
        test_settings["NAME"] = f"{settings_dict['NAME']}_{suffix}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        test_settings["NAME"] = saved
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


@contextmanager
def snapshot(suffix: str) -> Iterator[str]:
    """A copy of the database in use, named `<name>_<suffix>`, for the block; dropped afterwards. The
    connection stays on the original: `switched_to` the yielded name to work on the copy."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the copy is of the file: fold the write-ahead log into it first
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()
    connection.creation.clone_test_db(suffix, verbosity=0, autoclobber=True)
    try:
        yield connection.creation.get_test_db_clone_settings(suffix)["NAME"]
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(verbosity=0, suffix=suffix)


@contextmanager
def switched_to(name: str) -> Iterator[None]:
    """The default connection on database `name` for the block, back on the previous one afterwards."""
    connections.close_all()
    previous = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = previous


def database_url() -> str:
    """The database in use as a DATABASE_URL, for the server and worker processes a benchmark starts."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def vacuum_analyze(*tables: str) -> None:
    """What autovacuum would have done on a live database after a bulk load: visibility map and statistics
    (statistics only inside a transaction, where PostgreSQL cannot VACUUM)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


@contextmanager
def gunicorn(
    port: int, workers: int, *, env: dict[str, str] | None = None, stderr: Any = None
) -> Iterator[None]:
    """gunicorn on 127.0.0.1:`port` serving the database in use with the production settings module,
    answering before the block starts and stopped after it. `env` adds to the environment; the server's
    errors go to `stderr` (a file) or nowhere."""
    import requests

    connections.close_all()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=str(settings.BASE_DIR),
        env={
            **os.environ,
            **(env or {}),
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
        },
        stdout=subprocess.DEVNULL,
        stderr=stderr or subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        for _ in range(150):
            try:
                requests.get(url, timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer at {url}")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
