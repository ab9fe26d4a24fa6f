"""Dashboard benchmarks (`python manage.py bench --scale small|design --only dashboard`): the figures
refresh job (seconds) and the dashboard page (target p95 < 200 ms at the design scale on PostgreSQL),
over the ledger's and appeals' generated data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.test import Client

SAMPLES = {"small": 40, "design": 60}


def dashboard_page(scale: str) -> Iterator[dict[str, Any]]:
    from yingshang.assessment import services
    from yingshang.assessment.benchmarks import _ensure, _office, _quarter, _Rollback
    from yingshang.assessment.demo import DEMO_INDICATORS
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
    # With a frozen quarter on the page (its ranking charts list every department); rolled back after.
    timings: list[float] = []
    try:
        with transaction.atomic():
            office = _office()
            s = services.indicator_set_save(
                actor=office, name=f"压测驾驶舱-{time.time_ns()}", indicators=DEMO_INDICATORS
            )
            run = services.run_compute(actor=office, period=_quarter(), indicator_set=s)
            services.run_transition(actor=office, run=run, action="freeze")
            timings = ledger_bench._timed(client, urls, "dashboard.page")
            raise _Rollback
    except _Rollback:
        pass
    yield from ledger_bench._lines("dashboard.page", timings, {**info, "ranked_run": True})


BENCHMARKS = [dashboard_page]
