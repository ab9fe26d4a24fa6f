"""Dashboard benchmarks (`python manage.py bench --scale small|design --only dashboard`): the figures
refresh job (seconds) and the dashboard page (target p95 < 200 ms at the design scale on PostgreSQL),
over the ledger's and appeals' generated data."""

from __future__ import annotations

import time
from collections.abc import Iterator

from bench.common import Line, line, page_lines, page_timings, rolled_back, signed_in_client, since
from bench.generate.ledger import bench_users
from bench.suites.assessment import ensure_generated, frozen_run, last_quarter, office_account

SAMPLES = {"small": 40, "design": 60}


def dashboard_page(scale: str) -> Iterator[Line]:
    from yingshang.dashboard.figures import refresh

    info = ensure_generated(scale)
    started = time.perf_counter()
    rows = refresh()
    yield line("dashboard.refresh_figures", "seconds", round(since(started), 3), {**info, "figures": rows})
    client = signed_in_client(bench_users()["gen_leader"])
    # With a frozen quarter on the page (its ranking charts list every department); rolled back after.
    with rolled_back():
        frozen_run(office_account(), last_quarter(), "压测驾驶舱")
        timings = page_timings(client, ["/dashboard/"] * SAMPLES[scale])
    yield from page_lines("dashboard.page", timings, {**info, "ranked_run": True})


BENCHMARKS = [dashboard_page]
