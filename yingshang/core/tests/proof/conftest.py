"""The proofs that need several connections at once (concurrency, crash safety) cannot use SQLite's shared
in-memory test database. Set YINGSHANG_TEST_SQLITE_FILE=1 to run the session's SQLite test database as a file
(WAL, busy timeout and BEGIN IMMEDIATE from config.settings.base apply to it); those tests skip otherwise.
On PostgreSQL they always run."""

import os

from django.db import connections

if os.environ.get("YINGSHANG_TEST_SQLITE_FILE") and connections.databases["default"]["ENGINE"].endswith(
    "sqlite3"
):
    from django.conf import settings

    name = str(settings.VAR_DIR / "test_proof.sqlite3")
    connections.databases["default"].setdefault("TEST", {})["NAME"] = name
