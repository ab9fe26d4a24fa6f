"""What every benchmark shares: the scale names, the output line, percentiles, timing, the machine's load,
progress on stderr and blocks that leave the database as it was.

A benchmark is a callable `(scale: str) -> Iterable[dict]`; each dict is one JSON line of `make bench`:
`{"bench": NAME, "metric": ..., "value": NUMBER, "scale": {...}}` (`scale` says what was measured)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction

SCALES = ("small", "design")

Line = dict[str, Any]
T = TypeVar("T")


def line(bench: str, metric: str, value: float, scale: dict[str, Any]) -> Line:
    return {"bench": bench, "metric": metric, "value": value, "scale": scale}


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank `q` quantile (0 < q ≤ 1) of `values`; 0 when there are none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_lines(
    bench: str,
    ms: list[float],
    scale: dict[str, Any],
    quantiles: Iterable[int] = (50, 95, 99),
    digits: int = 1,
) -> Iterator[Line]:
    """`p50_ms`, `p95_ms`, … lines for a list of latencies in milliseconds."""
    for q in quantiles:
        yield line(bench, f"p{q}_ms", round(percentile(ms, q / 100), digits), scale)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """The call's result and its wall-clock seconds."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def since(started: float) -> float:
    """Seconds since `started` (a `time.perf_counter()` reading)."""
    return time.perf_counter() - started


def load_average() -> float:
    """The machine's one-minute load average, to read wall-clock figures against on a shared machine."""
    return round(os.getloadavg()[0], 2)


def log(message: str) -> None:
    """Progress on stderr, so stdout stays one JSON line per figure."""
    print(message, file=sys.stderr, flush=True)


BENCH_PASSWORD = "Bench-Passw0rd!2026"


def bench_account(username: str, real_name: str, roles: set[str], department: Any = None) -> Any:
    """The benchmark's own account `username` (made through the org service the first time)."""
    from yingshang.org import services as org_services
    from yingshang.org.models import User

    return User.objects.filter(username=username).first() or org_services.user_create(
        actor=None,
        username=username,
        password=BENCH_PASSWORD,
        real_name=real_name,
        roles=roles,
        department=department,
        must_change_password=False,
    )


def signed_in_client(user: Any) -> Any:
    """A Django test client signed in as `user`, for pages timed inside this process."""
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def page_timings(client: Any, urls: list[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds per page (on a shared machine the wall time includes
    waiting for a core). The first page is fetched once beforehand to warm templates and sessions."""
    client.get(urls[0])
    wall, cpu = [], []
    for url in urls:
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return wall, cpu


def page_lines(bench: str, timings: tuple[list[float], list[float]], scale: dict[str, Any]) -> Iterator[Line]:
    """p50/p95/p99 of the pages' wall time, and the p95 of the web process's CPU time with the load beside."""
    wall, cpu = timings
    yield from latency_lines(bench, wall, scale)
    yield line(
        f"{bench}.web_cpu_p95",
        "ms",
        round(percentile(cpu, 0.95), 1),
        {**scale, "load_average_1m": load_average()},
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """The block in a transaction that is rolled back at the end: the database is left as it was."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
