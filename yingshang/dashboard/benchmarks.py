"""Dashboard benchmarks (`python manage.py bench --scale small|design --only dashboard`): the figures
refresh job (seconds) and the dashboard page (target p95 < 200 ms at the design scale on PostgreSQL),
over the ledger's and appeals' generated data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.test import Client

SAMPLES = {"small": 40, "design": 60}


def dashboard_page(scale: str) -> Iterator[dict[str, Any]]:
    from yingshang.assessment.benchmarks import _ensure
    from yingshang.ledger import benchmarks as ledger_bench
    from yingshang.ledger.generate import bench_users

    from .figures import refresh

    info = _ensure(scale)
    t0 = time.perf_counter()
    rows = refresh()
    yield {
        "bench": "dashboard.refresh_figures",
        "metric": "seconds",
        "value": round(time.perf_counter() - t0, 3),
        "scale": {**info, "figures": rows},
    }
    client = Client(SERVER_NAME="localhost")
    client.force_login(bench_users()["gen_leader"])
    urls = ["/dashboard/"] * SAMPLES[scale]
    yield from ledger_bench._lines(
        "dashboard.page", ledger_bench._timed(client, urls, "dashboard.page"), info
    )


BENCHMARKS = [dashboard_page]
