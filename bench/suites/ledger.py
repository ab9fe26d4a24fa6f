"""Ledger benchmarks, through the Django test client against the generated data
(`python manage.py bench --scale small|design --only ledger`; generates the data first when missing).

Targets (DESIGN.md scale, PostgreSQL): filtered ledger list p95 < 100 ms, task page < 100 ms,
implementation report for one document < 2 s."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

from bench.common import Line, line, log, page_lines, page_timings, signed_in_client, since
from bench.generate.ledger import SCALES, bench_users, generate, generated
from bench.suites.ledger_import import bench_import

SAMPLES = {"small": 40, "design": 60}


def ensure_generated(scale: str) -> dict[str, Any]:
    """The ledger's generated data at `scale` (generated now when missing); what it holds, for the lines."""
    if not generated(scale):
        generate(scale, log=log)
    return {"scale": scale, **SCALES[scale]}


def ledger_list(scale: str) -> Iterator[Line]:
    from yingshang.ledger.models import Category, PolicyDocument, TaskDepartment

    info = ensure_generated(scale)
    users = bench_users()
    rnd = random.Random(7)
    docs = list(
        PolicyDocument.objects.filter(doc_number__startswith=f"GEN-{scale}-").values_list("pk", flat=True)
    )
    cats = list(Category.objects.values_list("pk", flat=True))
    depts = list(
        TaskDepartment.objects.filter(task__source_key__startswith=f"GEN-{scale}:")
        .values_list("department_id", flat=True)
        .distinct()
    )
    combos = [
        lambda: "warning=red",
        lambda: f"warning=yellow&category={rnd.choice(cats)}",
        lambda: f"department={rnd.choice(depts)}&state=open",
        lambda: f"document={rnd.choice(docs)}&warning=green",
        lambda: "missing=1&priority=1",
        lambda: "deadline_from=2026-12-01&deadline_to=2027-03-31&state=in_progress",
        lambda: f"q={rnd.choice(['企业开办', '知识产权', '信用监管', '人才公寓'])}",
        lambda: f"department={rnd.choice(depts)}&warning=red&page=2",
        lambda: "page=40",
    ]
    urls = [f"/ledger/?{combos[i % len(combos)]()}" for i in range(SAMPLES[scale])]
    city_wide = page_timings(signed_in_client(users["gen_leader"]), urls)
    yield from page_lines("ledger.list_filtered.city_wide", city_wide, info)
    liaison_urls = [f"/ledger/?{u.split('?', 1)[1]}" for u in urls if "department=" not in u]
    liaison = page_timings(signed_in_client(users["gen_liaison"]), liaison_urls)
    yield from page_lines("ledger.list_filtered.liaison", liaison, info)


def task_page(scale: str) -> Iterator[Line]:
    from yingshang.ledger.models import Task

    info = ensure_generated(scale)
    ids = list(Task.objects.filter(source_key__startswith=f"GEN-{scale}:").values_list("pk", flat=True))
    rnd = random.Random(11)
    urls = [f"/ledger/tasks/{rnd.choice(ids)}/" for _ in range(SAMPLES[scale])]
    yield from page_lines(
        "ledger.task_page", page_timings(signed_in_client(bench_users()["gen_leader"]), urls), info
    )


def implementation_report(scale: str) -> Iterator[Line]:
    from yingshang.ledger.models import PolicyDocument, Task

    info = ensure_generated(scale)
    doc = PolicyDocument.objects.filter(doc_number__startswith=f"GEN-{scale}-").order_by("pk").first()
    assert doc is not None
    report = {**info, "document_tasks": Task.objects.filter(document=doc).count()}
    client = signed_in_client(bench_users()["gen_leader"])
    wall, _cpu = page_timings(client, [f"/ledger/documents/{doc.pk}/report/"] * 5)
    yield line("ledger.implementation_report", "seconds", round(max(wall) / 1000, 3), report)
    started = time.perf_counter()
    response = client.get(f"/ledger/documents/{doc.pk}/report/?format=xlsx")
    assert response.status_code == 200
    yield line("ledger.implementation_report_xlsx", "seconds", round(since(started), 3), report)


def warnings_scan(scale: str) -> Iterator[Line]:
    """The periodic scan that keeps stored thresholds current (settings or holiday schedule changed)."""
    from yingshang.ledger import services

    info = ensure_generated(scale)
    started = time.perf_counter()
    services.warnings_refresh_all()
    yield line("ledger.warnings_scan", "seconds", round(since(started), 2), info)


BENCHMARKS = [ledger_list, task_page, implementation_report, warnings_scan, bench_import]
