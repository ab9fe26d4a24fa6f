"""Run callables at the same moment in threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections


def needs_shared_database() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "needs a database several connections share: run with YINGSHANG_TEST_SQLITE_FILE=1 "
            "(file SQLite) or DATABASE_URL=postgres://…"
        )


def run_together(fns: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fns[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
