"""Import benchmark: a generated task-division workbook (title row, merged category column, several units per
cell, deadlines in words), read as a dry run and then committed. Target: 10,000 rows in under 10 s in all.

Runs inside a transaction that is rolled back at the end, so the database is left as it was."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from typing import Any

from django.db import transaction

ROWS = {"tiny": 120, "small": 1_000, "design": 10_000}
DEPARTMENTS = 150
DEADLINES = [
    "2026年6月底前",
    "2026年12月",
    "年底前",
    "持续推进",
    "每季度",
    "2026-09-30",
    "2026年10月底前",
    "长期坚持",
]
CATEGORIES = ["政务环境", "市场环境", "法治环境", "城市/人文环境", "干事环境"]


class _Rollback(Exception):
    pass


def build_workbook(rows: int, departments: list[str]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws.append(["示例市2026年优化营商环境重点任务分工方案"])
    ws.append(["类别", "序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.merge_cells("A1:F1")
    per_category = rows // len(CATEGORIES) or 1
    n = len(departments)
    for i in range(rows):
        category = CATEGORIES[min(i // per_category, len(CATEGORIES) - 1)] if i % per_category == 0 else None
        lead = departments[i % n]
        co = "、".join(departments[(i + k) % n] for k in (7, 19, 31)[: 1 + i % 3])
        ws.append(
            [
                category,
                i + 1,
                f"第{i + 1}项重点任务：深化“放管服”改革，压缩办理时限，提升企业和群众办事便利度（批次{i // 100}）。",
                lead if i % 5 else f"{lead}牵头，{departments[(i + 3) % n]}",
                co + ("，各有关单位" if i % 4 == 0 else ""),
                DEADLINES[i % len(DEADLINES)],
            ]
        )
    for c in range(len(CATEGORIES)):
        first = 3 + c * per_category
        last = 2 + rows if c == len(CATEGORIES) - 1 else first + per_category - 1
        if last > first:
            ws.merge_cells(f"A{first}:A{last}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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


def bench_import(scale: str) -> Iterator[dict[str, Any]]:
    from .services import ledger_import

    rows = ROWS.get(scale, ROWS["small"])
    figures: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            names = _departments(None)
            data = build_workbook(rows, names)
            meta = {"rows": rows, "departments": DEPARTMENTS, "bytes": len(data)}
            c0 = time.process_time()
            t0 = time.perf_counter()
            preview = ledger_import(actor=None, name="基准测试分工方案.xlsx", data=data, dry_run=True)
            t1 = time.perf_counter()
            errors = preview.result.error_count()
            # Confirm on the preview page: the preview's parse is reused, matching and staging are redone.
            committed = ledger_import(
                actor=None, name="基准测试分工方案.xlsx", data=data, dry_run=False, parsed=preview.result
            )
            t2 = time.perf_counter()
            c2 = time.process_time()
            again = ledger_import(actor=None, name="基准测试分工方案.xlsx", data=data, dry_run=True)
            t3 = time.perf_counter()
            figures = [
                {
                    "bench": "ledger_import_dry_run",
                    "metric": "seconds",
                    "value": round(t1 - t0, 3),
                    "scale": meta,
                },
                {
                    "bench": "ledger_import_commit",
                    "metric": "seconds",
                    "value": round(t2 - t1, 3),
                    "scale": meta,
                },
                {
                    "bench": "ledger_import_dry_run_plus_commit",
                    "metric": "seconds",
                    "value": round(t2 - t0, 3),
                    # This process's CPU seconds and the machine's load, to read the wall time against.
                    "scale": {
                        **meta,
                        "target_seconds": 10,
                        "cpu_seconds": round(c2 - c0, 3),
                        "load_average": round(os.getloadavg()[0], 2),
                    },
                },
                {
                    "bench": "ledger_import_reimport_dry_run_from_file",
                    "metric": "seconds",
                    "value": round(t3 - t2, 3),
                    "scale": meta,
                },
                {
                    "bench": "ledger_import_errors",
                    "metric": "errors",
                    "value": errors
                    + (0 if committed.committed and committed.counts["created"] == rows else 1)
                    + (0 if again.counts == {"created": 0, "updated": 0, "unchanged": rows} else 1),
                    "scale": meta,
                },
            ]
            raise _Rollback
    except _Rollback:
        pass
    yield from figures


BENCHMARKS = [bench_import]
