"""Ledger benchmarks, through the Django test client against the generated data
(`python manage.py bench --scale small|design --only ledger`; generates the data first when missing).

Targets (DESIGN.md scale, PostgreSQL): filtered ledger list p95 < 100 ms, task page < 100 ms,
implementation report for one document < 2 s."""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any

from django.test import Client

SAMPLES = {"small": 40, "design": 60}


def _client(user) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def _ensure(scale: str) -> dict[str, Any]:
    from .generate import SCALES, generate, generated

    if not generated(scale):
        generate(scale, log=lambda s: print(s, file=sys.stderr))
    return {"scale": scale, **SCALES[scale]}


CPU: dict[str, list[float]] = {}


def _timed(client: Client, urls: list[str], name: str = "") -> list[float]:
    """Wall-clock ms per request; the web process's own CPU ms go to CPU[name] (the machine may be shared,
    and wall time then includes waiting for a core)."""
    client.get(urls[0])  # warm caches (templates, content types, sessions)
    out, cpu = [], []
    for url in urls:
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    CPU[name] = cpu
    return out


def _lines(name: str, values: list[float], scale: dict[str, Any]) -> Iterator[dict[str, Any]]:
    ordered = sorted(values)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    yield {"bench": name, "metric": "p50_ms", "value": round(statistics.median(ordered), 1), "scale": scale}
    yield {"bench": name, "metric": "p95_ms", "value": pct(0.95), "scale": scale}
    yield {"bench": name, "metric": "p99_ms", "value": pct(0.99), "scale": scale}
    if CPU.get(name):
        cpu = sorted(CPU[name])
        yield {
            "bench": f"{name}.web_cpu_p95",
            "metric": "ms",
            "value": round(cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))], 1),
            "scale": {**scale, "load_average_1m": round(os.getloadavg()[0], 1)},
        }


def ledger_list(scale: str) -> Iterator[dict[str, Any]]:
    from .generate import bench_users
    from .models import Category, PolicyDocument, TaskDepartment

    info = _ensure(scale)
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
    yield from _lines(
        "ledger.list_filtered.city_wide",
        _timed(_client(users["gen_leader"]), urls, "ledger.list_filtered.city_wide"),
        info,
    )
    liaison_urls = [f"/ledger/?{u.split('?', 1)[1]}" for u in urls if "department=" not in u]
    yield from _lines(
        "ledger.list_filtered.liaison",
        _timed(_client(users["gen_liaison"]), liaison_urls, "ledger.list_filtered.liaison"),
        info,
    )


def task_page(scale: str) -> Iterator[dict[str, Any]]:
    from .generate import bench_users
    from .models import Task

    info = _ensure(scale)
    ids = list(Task.objects.filter(source_key__startswith=f"GEN-{scale}:").values_list("pk", flat=True))
    rnd = random.Random(11)
    urls = [f"/ledger/tasks/{rnd.choice(ids)}/" for _ in range(SAMPLES[scale])]
    yield from _lines(
        "ledger.task_page", _timed(_client(bench_users()["gen_leader"]), urls, "ledger.task_page"), info
    )


def implementation_report(scale: str) -> Iterator[dict[str, Any]]:
    from .generate import bench_users
    from .models import PolicyDocument, Task

    info = _ensure(scale)
    doc = PolicyDocument.objects.filter(doc_number__startswith=f"GEN-{scale}-").order_by("pk").first()
    assert doc is not None
    tasks = Task.objects.filter(document=doc).count()
    client = _client(bench_users()["gen_leader"])
    runs = _timed(client, [f"/ledger/documents/{doc.pk}/report/"] * 5)
    yield {
        "bench": "ledger.implementation_report",
        "metric": "seconds",
        "value": round(max(runs) / 1000, 3),
        "scale": {**info, "document_tasks": tasks},
    }
    t0 = time.perf_counter()
    response = client.get(f"/ledger/documents/{doc.pk}/report/?format=xlsx")
    assert response.status_code == 200
    yield {
        "bench": "ledger.implementation_report_xlsx",
        "metric": "seconds",
        "value": round(time.perf_counter() - t0, 3),
        "scale": {**info, "document_tasks": tasks},
    }


def warnings_scan(scale: str) -> Iterator[dict[str, Any]]:
    """The periodic scan that keeps stored thresholds current (settings or holiday schedule changed)."""
    from .services import warnings_refresh_all

    info = _ensure(scale)
    t0 = time.perf_counter()
    warnings_refresh_all()
    yield {
        "bench": "ledger.warnings_scan",
        "metric": "seconds",
        "value": round(time.perf_counter() - t0, 2),
        "scale": info,
    }


from .importing.benchmarks import bench_import  # noqa: E402

BENCHMARKS = [ledger_list, task_page, implementation_report, warnings_scan, bench_import]
