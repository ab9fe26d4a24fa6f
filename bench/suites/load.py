"""Load: gunicorn on 127.0.0.1 serving a throwaway database filled with generated ledger and appeal data,
driven by Locust headless (bench/load/locustfile.py) for a bounded time: page views, list filters
and API intake at once. Prints throughput, p50/p95/p99 and the error count as `load_*` lines; zero errors is
the bar."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection

from bench.common import Line, bench_account, line, log
from bench.db import gunicorn, throwaway_database
from bench.generate import appeals as generated_appeals
from bench.generate import ledger as generated_ledger

PORT = 8177
SCALES: dict[str, dict[str, Any]] = {
    "small": {"ledger": "small", "appeals": 5_000, "users": 12, "seconds": 30, "workers": 2},
    "design": {"ledger": "design", "appeals": 200_000, "users": 40, "seconds": 120, "workers": 3},
}


def _appeal_count(scale: str) -> int:
    """Generated appeals: the scale's number, or YINGSHANG_LOAD_APPEALS (0: a few hundred through the service)."""
    return int(os.environ.get("YINGSHANG_LOAD_APPEALS", SCALES[scale]["appeals"]))


@contextmanager
def _loaded_database(scale: str) -> Iterator[None]:
    with throwaway_database("loadbench"):
        generated_ledger.generate(SCALES[scale]["ledger"], log=log)
        appeals = _appeal_count(scale)
        if appeals:
            generated_appeals.generate(appeals, log=log)
        yield


def _session_for(user, *, otp: bool) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if otp:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
        store["otp_device_id"] = device.persistent_id
    store.create()
    return store.session_key or ""


def _prepare() -> dict[str, str]:
    from yingshang.appeals.demo import credit_code_for as credit_code
    from yingshang.appeals.models import Appeal
    from yingshang.ledger.models import TaskDepartment
    from yingshang.org import roles as r
    from yingshang.org import services as org_services
    from yingshang.org.models import Department

    lead = TaskDepartment.objects.filter(role="lead").order_by("id").first()
    assert lead is not None, "generate_ledger made no tasks"
    department = Department.objects.get(pk=lead.department_id)
    office_department = Department.objects.filter(kind="office").first() or department
    liaison = bench_account("load_liaison", "压测联络员", {r.LIAISON}, department)
    office = bench_account("load_office", "压测营商办", {r.OFFICE}, office_department)
    _, token = org_services.api_token_create(actor=None, user=office, name="load")
    task_ids = list(
        TaskDepartment.objects.filter(department=department).values_list("task_id", flat=True)[:200]
    )
    if not Appeal.objects.exists():  # YINGSHANG_LOAD_APPEALS=0: a few hundred through the service instead
        from yingshang.appeals import services as appeal_services

        for n in range(300):
            appeal_services.appeal_submit(
                actor=None,
                data={
                    "enterprise_name": f"压测企业{n}有限公司",
                    "credit_code": credit_code(1000 + n),
                    "contact_name": "压测联系人",
                    "contact_phone": "13800000000",
                    "category": "help",
                    "title": f"压测诉求{n}",
                    "description": f"诉求：压测第{n}件，{n * 7919 % 10007}号路段积水，请求协调疏通。",
                },
            )
    appeal_ids = list(Appeal.objects.order_by("-pk").values_list("pk", flat=True)[:200])
    return {
        "LOAD_LIAISON_SESSION": _session_for(liaison, otp=False),
        "LOAD_OFFICE_SESSION": _session_for(office, otp=True),
        "LOAD_API_TOKEN": token,
        "LOAD_TASK_IDS": ",".join(map(str, task_ids)),
        "LOAD_APPEAL_IDS": ",".join(map(str, appeal_ids)),
        "LOAD_CREDIT_CODE": credit_code(777),
    }


def bench_load(scale: str) -> Iterator[Line]:
    conf = SCALES[scale]
    seconds = int(os.environ.get("YINGSHANG_LOAD_SECONDS", conf["seconds"]))
    bin_dir = os.path.dirname(sys.executable)
    out = tempfile.mkdtemp(prefix="ys_locust_")
    server_log = open(os.path.join(out, "gunicorn.log"), "w")  # noqa: SIM115 - closed below
    with _loaded_database(scale):
        load_env = _prepare()
        env = {**os.environ, **load_env}
        try:
            with gunicorn(PORT, conf["workers"], env=load_env, stderr=server_log):
                started = time.monotonic()
                subprocess.run(
                    [
                        os.path.join(bin_dir, "locust"),
                        "-f",
                        os.path.join(os.path.dirname(os.path.dirname(__file__)), "load", "locustfile.py"),
                        "--headless",
                        "-u",
                        str(conf["users"]),
                        "-r",
                        str(conf["users"]),
                        "-t",
                        f"{seconds}s",
                        "--host",
                        f"http://127.0.0.1:{PORT}",
                        "--csv",
                        os.path.join(out, "load"),
                        "--only-summary",
                        "--stop-timeout",
                        "5",
                        "--loglevel",
                        "ERROR",
                    ],
                    cwd=str(settings.BASE_DIR),
                    env=env,
                    check=False,
                    timeout=seconds + 120,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                duration = time.monotonic() - started
                with open(os.path.join(out, "load_stats.csv"), encoding="utf-8") as f:
                    rows = list(csv.DictReader(f))
                with open(os.path.join(out, "load_failures.csv"), encoding="utf-8") as f:
                    for failure in list(csv.DictReader(f))[
                        :10
                    ]:  # say what failed, on stderr beside the figures
                        print("load failure:", dict(failure), file=sys.stderr)
                    if any(int(row["Failure Count"]) for row in rows):
                        with open(os.path.join(out, "gunicorn.log"), encoding="utf-8") as server_output:
                            print(server_output.read()[-4000:], file=sys.stderr)
        finally:
            server_log.close()
            shutil.rmtree(out, ignore_errors=True)
    meta = {
        "scale": scale,
        "db": connection.vendor,
        "users": conf["users"],
        "seconds": seconds,
        "server_processes": conf["workers"],
        "appeals": _appeal_count(scale),
        "ledger": conf["ledger"],
    }
    for row in rows:
        name = (
            "load_all"
            if row["Name"] == "Aggregated"
            else "load_"
            + row["Name"].split(": ")[0]
            + "_"
            + (row["Name"].split(": ")[1].replace(" ", "_") if ": " in row["Name"] else row["Name"])
        )
        for metric, column in (
            ("per_s", "Requests/s"),
            ("p50_ms", "50%"),
            ("p95_ms", "95%"),
            ("p99_ms", "99%"),
        ):
            yield line(name, metric, round(float(row[column]), 1), meta)
        yield line(name, "errors", int(row["Failure Count"]), meta)
    yield line("load_all", "seconds", round(duration, 1), meta)


BENCHMARKS = [bench_load]
