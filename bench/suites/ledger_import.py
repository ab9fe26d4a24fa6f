"""Import benchmark: a generated task-division workbook (title row, merged category column, several units per
cell, deadlines in words), read as a dry run and then committed. Target: 10,000 rows in under 10 s in all.

Runs inside a transaction that is rolled back at the end, so the database is left as it was."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from bench.common import Line, line, load_average, rolled_back
from bench.generate.workbook import build_workbook

ROWS = {"tiny": 120, "small": 1_000, "design": 10_000}
DEPARTMENTS = 150


def _departments(actor: Any) -> list[str]:
    from yingshang.org import services as org_services
    from yingshang.org.models import Department

    names = []
    existing = set(Department.objects.filter(code__startswith="BIMP").values_list("code", flat=True))
    for i in range(DEPARTMENTS):
        code = f"BIMP{i:03d}"
        name = f"示例市基准测试第{i}局"
        if code not in existing:
            org_services.department_create(actor=actor, code=code, name=name, short_name=f"市基准{i}局")
        names.append(f"市基准{i}局")
    return names


def bench_import(scale: str) -> Iterator[Line]:
    from yingshang.ledger.importing import services

    rows = ROWS.get(scale, ROWS["small"])
    name = "基准测试分工方案.xlsx"
    with rolled_back():
        data = build_workbook(rows, _departments(None))
        meta = {"rows": rows, "departments": DEPARTMENTS, "bytes": len(data)}
        c0 = time.process_time()
        t0 = time.perf_counter()
        preview = services.ledger_import(actor=None, name=name, data=data, dry_run=True)
        t1 = time.perf_counter()
        errors = preview.result.error_count()
        # Confirm on the preview page: the preview's parse is reused, matching and staging are redone.
        committed = services.ledger_import(
            actor=None, name=name, data=data, dry_run=False, parsed=preview.result
        )
        t2 = time.perf_counter()
        c2 = time.process_time()
        again = services.ledger_import(actor=None, name=name, data=data, dry_run=True)
        t3 = time.perf_counter()
    errors += 0 if committed.committed and committed.counts["created"] == rows else 1
    errors += 0 if again.counts == {"created": 0, "updated": 0, "unchanged": rows} else 1
    yield line("ledger_import_dry_run", "seconds", round(t1 - t0, 3), meta)
    yield line("ledger_import_commit", "seconds", round(t2 - t1, 3), meta)
    # This process's CPU seconds and the machine's load, to read the wall time against.
    both = {**meta, "target_seconds": 10, "cpu_seconds": round(c2 - c0, 3), "load_average": load_average()}
    yield line("ledger_import_dry_run_plus_commit", "seconds", round(t2 - t0, 3), both)
    yield line("ledger_import_reimport_dry_run_from_file", "seconds", round(t3 - t2, 3), meta)
    yield line("ledger_import_errors", "errors", errors, meta)


BENCHMARKS = [bench_import]
