"""Audit benchmarks: writers are not held up by sealing; sealing and verification throughput.

Run with `python manage.py bench --scale small|design --only audit`. They work in a throwaway database
of their own (a temporary SQLite file, or `<name>_auditbench` on PostgreSQL), created and dropped here,
because audit records can never be deleted from the real one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.common import Line, latency_lines, line, since
from bench.db import database_url, throwaway_database

SCALES = {
    # records sealed and verified, writer threads, records per writer
    "small": {"records": 50_000, "threads": 4, "per_thread": 500},
    "design": {"records": 2_000_000, "threads": 8, "per_thread": 1_000},
}


def _large_sqlite_cache() -> None:
    if connection.vendor == "sqlite":
        # SQLite's default page cache is 2 MB; at millions of rows every index insert would go to disk.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only


class _Actor:
    """Stands in for a signed-in account: `events.record` only reads these attributes."""

    is_authenticated = True
    pk = 42
    role_codes = frozenset({"liaison"})
    department = "示例市市场监督管理局"

    def get_username(self) -> str:
        return "bench_liaison"


@contextmanager
def _sealer_process() -> Iterator[None]:
    """A sealer in a process of its own, as in production (the job worker), sealing with no delay."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, "manage.py", "seal_audit", "--delay", "0", "--loop", "0.05", "--skip-checks"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    time.sleep(2)  # let it start and begin sealing
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _write_concurrently(threads: int, per_thread: int) -> dict[str, Any]:
    from yingshang.audit import events

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def writer(n: int) -> None:
        nonlocal errors
        actor = _Actor()
        mine = []
        failed = 0
        try:
            for i in range(per_thread):
                start = time.perf_counter()
                try:
                    with transaction.atomic():
                        events.record(
                            actor=actor,
                            action="ledger.update",
                            object_type="ledger.item",
                            object_id=n * per_thread + i,
                            before={"state": "draft"},
                            after={"state": "submitted"},
                        )
                except Exception:
                    failed += 1
                mine.append((time.perf_counter() - start) * 1000)
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "per_s": len(latencies) / elapsed, "errors": errors}


def _generate(n: int) -> None:
    """n realistic records spread over the last 180 days (500 accounts, 200 addresses), inserted in bulk
    with plain SQL (the ORM's per-field preparation would take longer than what is measured)."""
    from yingshang.audit.chain import FIELDS
    from yingshang.audit.models import AuditRecord

    columns = [name for name in FIELDS if name != "id"]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(AuditRecord._meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    base = timezone.now() - timedelta(days=180)
    step = timedelta(days=180) / max(n, 1) * 0.99
    batch = 10_000
    for offset in range(0, n, batch):
        rows = [
            (
                connection.ops.adapt_datetimefield_value(base + step * i),
                1000 + i % 500,
                f"user{i % 500}",
                "liaison",
                "示例市市场监督管理局",
                f"10.0.{i % 200}.{i % 7 + 1}",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0",
                f"{i:032x}",
                "ledger.update",
                "ledger.item",
                str(i // 3),
                json.dumps({"state": "draft", "progress": i % 100}),
                json.dumps({"state": "submitted", "progress": i % 100 + 1, "note": "按期报送进展情况"}),
                "报送整改进展",
            )
            for i in range(offset, min(n, offset + batch))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)


class _Auditor(_Actor):
    def has_role(self, *codes: str) -> bool:
        return "auditor" in codes


def _search(meta: dict[str, Any], records: int) -> Iterator[Line]:
    """The auditor's search page: one page of 51 rows for typical filters, newest first."""
    from yingshang.audit.selectors import audit_records

    auditor = _Auditor()
    now = timezone.now()
    cases: list[dict[str, Any]] = []
    for k in range(10):
        cases.append({"account": f"user{k * 37 % 500}"})
        cases.append({"ip": f"10.0.{k * 13 % 200}.{k % 7 + 1}"})
        day = now - timedelta(days=10 + k * 15)
        cases.append({"start": day, "end": day + timedelta(hours=6)})
        cases.append({"account": f"user{k * 11 % 500}", "start": day - timedelta(days=30), "end": day})
        cases.append({"action": "ledger.update"})
        cases.append({"object_type": "ledger.item", "object_id": str(k * 1000)})
    timings = []
    for filters in cases:
        started = time.perf_counter()
        list(audit_records(auditor, **filters)[:51])
        timings.append((time.perf_counter() - started) * 1000)
    scale_line = {"records": records, "queries": len(cases), **meta}
    yield from latency_lines("audit.search_page", timings, scale_line, quantiles=(50, 95), digits=2)


def audit_chain(scale: str) -> Iterator[Line]:
    from yingshang.audit import services
    from yingshang.audit.chain import FIELDS, OPENSSL_SM3, canonical, digest, verify_chain
    from yingshang.audit.models import AuditRecord, AuditSeal

    size = SCALES[scale]
    with throwaway_database("auditbench"):
        _large_sqlite_cache()
        meta = {"db": connection.vendor, "sm3": "openssl" if OPENSSL_SM3 else "gmssl"}
        threads, per_thread = size["threads"], size["per_thread"]
        writes = {"threads": threads, "records": threads * per_thread, **meta}
        for name, sealing in (
            ("audit.write_concurrent", False),
            ("audit.write_concurrent_while_sealing", True),
        ):
            sealed_before = AuditSeal.objects.count()
            with _sealer_process() if sealing else nullcontext():
                figures = _write_concurrently(threads, per_thread)
            scale_line = {**writes, "sealed_meanwhile": AuditSeal.objects.count() - sealed_before}
            yield from latency_lines(name, figures["latencies"], scale_line, digits=2)
            yield line(name, "per_s", round(figures["per_s"], 1), scale_line)
            yield line(name, "errors", figures["errors"], scale_line)
        services.seal_pending(delay_seconds=0, gap_grace_seconds=0)

        n = size["records"]
        started = time.perf_counter()
        _generate(n)
        volume = {"records": n, **meta}
        yield line("audit.generate", "seconds", round(since(started), 1), volume)

        started = time.perf_counter()
        sealed = services.seal_pending(delay_seconds=0, gap_grace_seconds=0, batch_size=2000).sealed
        elapsed = time.perf_counter() - started
        yield line("audit.seal", "per_s", round(sealed / elapsed), volume)
        yield line("audit.seal", "seconds", round(elapsed, 1), volume)

        started = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - started
        total = {"records": result.checked, **meta}
        yield line("audit.verify", "per_s", round(result.checked / elapsed), total)
        yield line("audit.verify", "seconds", round(elapsed, 1), total)
        yield line("audit.verify", "errors", 0 if result.ok else 1, total)

        yield from _search(meta, result.checked)

        # Hosts whose OpenSSL lacks SM3 verify with pure-Python gmssl: its raw hashing rate.
        sample = [canonical(v) for v in AuditRecord.objects.order_by("id").values(*FIELDS)[:2000]]
        started = time.perf_counter()
        for data in sample:
            digest("sm3", data, use_openssl=False)
        elapsed = time.perf_counter() - started
        yield line(
            "audit.sm3_gmssl_hash", "per_s", round(len(sample) / elapsed), {"records": len(sample), **meta}
        )


BENCHMARKS = [audit_chain]
