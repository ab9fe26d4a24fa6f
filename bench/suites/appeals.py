"""Appeals benchmarks (`python manage.py bench --scale small|design --only appeals`), one JSON line per
figure:

- appeal_list: the queue filtered by department and state (count + first page), as the office and as a
  department liaison: p50/p95 over random filters. Target at design scale: p95 < 100 ms.
- appeal_rates: the four rates and the composite for every department for one quarter. Target < 2 s.
- appeal_intake_api: gunicorn with N worker processes on 127.0.0.1, driven by client threads posting new
  appeals with their own Idempotency-Key for a bounded time: rate, p50/p99, errors, processes.

Data: a database that already holds at least the scale's number of appeals (prepared with
`generate_appeals --scale ...`) is used as it is; otherwise a throwaway database is created, filled with
`generate_appeals` and dropped afterwards."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.common import Line, bench_account, latency_lines, line
from bench.db import gunicorn, throwaway_database
from bench.generate import appeals as generated

SCALES: dict[str, dict[str, Any]] = {
    # threads: client concurrencies tried in turn (one per server process, then well past saturation)
    "small": {"appeals": 20_000, "queries": 100, "workers": 2, "threads": (2, 8), "seconds": 10},
    "design": {"appeals": 2_000_000, "queries": 300, "workers": 3, "threads": (3, 16), "seconds": 60},
}
PORT = 8140


@contextmanager
def _database(scale: str) -> Iterator[Line]:
    """The current database when it is already filled to scale, else a throwaway one filled here."""
    from yingshang.appeals.models import Appeal

    need = SCALES[scale]["appeals"]
    try:
        have = Appeal.objects.count()
    except Exception:  # no tables yet
        have = 0
    if have >= need * 0.95:
        yield {"appeals": have, "database": "existing"}
        return
    with throwaway_database("appealsbench"):
        generated.generate(need, log=lambda _: None)
        yield {"appeals": need, "database": "throwaway"}


def _office_user():
    from yingshang.org import roles as r
    from yingshang.org.models import User

    return next(u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(r.OFFICE))


def _liaison(department_id: int):
    from yingshang.org import roles as r
    from yingshang.org.models import Department

    department = Department.objects.get(pk=department_id)
    return bench_account(f"bench_liaison_{department_id}", "压测联络员", {r.LIAISON}, department)


def _list_page(user, filters) -> int:
    from django.core.paginator import Paginator

    from yingshang.appeals.selectors import appeal_list

    page = Paginator(appeal_list(user, filters), 20).get_page(1)
    return page.paginator.count + len(list(page.object_list))


def bench_list(scale: str) -> Iterator[Line]:
    from yingshang.appeals.models import Appeal

    conf = SCALES[scale]
    with _database(scale) as info:
        rng = random.Random(7)
        departments = list(
            Appeal.objects.exclude(main_department=None)
            .values_list("main_department_id", flat=True)
            .distinct()[:60]
        )
        states = ["dispatched", "signed", "replied", "concluded", "returned"]
        office = _office_user()
        for label, make_user in (("office", lambda d: office), ("department", _liaison)):
            timings = []
            for _ in range(conf["queries"]):
                department = rng.choice(departments)
                user = make_user(department)
                filters = {"state": rng.choice(states)}
                if label == "office":
                    filters["department"] = str(department)
                t0 = time.perf_counter()
                _list_page(user, filters)
                timings.append((time.perf_counter() - t0) * 1000)
            meta = {"scale": scale, "appeals": info["appeals"], "as": label, "db": connection.vendor}
            yield from latency_lines("appeal_list", timings, meta, quantiles=(50, 95), digits=2)


def bench_rates(scale: str) -> Iterator[Line]:
    from yingshang.appeals import rates

    with _database(scale) as info:
        today = timezone.localdate()
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = (quarter_start - timedelta(days=1)).replace(day=1)
        start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)  # the last full quarter
        end = quarter_start - timedelta(days=1)
        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            table = rates.all_rates(start, end)
            timings.append(time.perf_counter() - t0)
        meta = {
            "scale": scale,
            "appeals": info["appeals"],
            "quarter": f"{start}..{end}",
            "departments": len(table["composite"]),
            "db": connection.vendor,
        }
        yield line("appeal_rates", "seconds", round(min(timings), 3), meta)


def bench_intake(scale: str) -> Iterator[Line]:
    from yingshang.appeals.models import SourceSystem
    from yingshang.org import services as org_services

    conf = SCALES[scale]
    with _database(scale) as info:
        account = bench_account("bench_hotline", "压测热线接口", set())
        SourceSystem.objects.get_or_create(code="bench", defaults={"name": "压测来源", "account": account})
        _, token = org_services.api_token_create(actor=None, user=account, name="bench")
        with gunicorn(PORT, conf["workers"], env={"DJANGO_LOG_LEVEL": "ERROR"}):
            url = f"http://127.0.0.1:{PORT}/api/appeals/"
            results = []
            for threads_count in conf["threads"]:
                results.append((threads_count, *_drive(url, token, threads_count, conf["seconds"])))
        for threads_count, latencies, errors, duration in results:
            meta = {
                "scale": scale,
                "appeals": info["appeals"],
                "server_processes": conf["workers"],
                "client_threads": threads_count,
                "seconds": round(duration, 1),
                "db": connection.vendor,
            }
            ok_count = len(latencies) - errors
            yield line("appeal_intake_api", "per_s", round(ok_count / duration, 1), meta)
            yield from latency_lines("appeal_intake_api", latencies, meta, quantiles=(50, 99))
            yield line("appeal_intake_api", "errors", errors, meta)


def _drive(url: str, token: str, threads_count: int, seconds: float) -> tuple[list[float], int, float]:
    """Closed-loop clients posting new appeals for `seconds`: (latencies in ms, errors, duration)."""
    import requests

    from yingshang.appeals.demo import credit_code_for as credit_code

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        rng = random.Random(n * 7919 + threads_count)
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            body = {
                "external_id": f"B{n}-{i}",
                "enterprise_name": f"压测企业{n}-{i}",
                "credit_code": credit_code(rng.randint(1, 9_999_999)),
                "contact_name": "压测",
                "contact_phone": f"139{rng.randint(10_000_000, 99_999_999)}",
                "category": rng.choice(["consult", "help", "complaint"]),
                "description": f"压测诉求 {n}-{i}："
                + "".join(rng.choice("营商环境企业诉求办理") for _ in range(40)),
            }
            t0 = time.perf_counter()
            try:
                response = session.post(
                    url, json=body, headers={"Idempotency-Key": f"bench-{n}-{i}-{time.time_ns()}"}, timeout=10
                )
                ok = response.status_code == 201
            except requests.RequestException:
                ok = False
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.monotonic() - started


BENCHMARKS = [bench_list, bench_rates, bench_intake]
