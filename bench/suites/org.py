"""Sign-in benchmarks under load: the login page and a signed-in home page, served by gunicorn (the
production server of `make run`) against a throw-away SQLite database seeded with the demo city.

`python manage.py bench --scale small --only org` prints p50/p95/p99 (ms), requests per second and
errors as JSON lines. The server listens on 127.0.0.1 only and is stopped at the end."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from bench.common import Line, latency_lines, line

PORTS = range(8150, 8170)
# scale -> (gunicorn workers, client threads, seconds per page, request cap per page)
SCALES = {"small": (3, 6, 10.0, 4000), "design": (3, 24, 30.0, 30000)}
DEMO_USER = "liaison"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8150-8169")


class Server:
    """gunicorn on a fresh SQLite database with the demo data; a context manager that always stops it."""

    def __init__(self, workers: int):
        self.workers = workers
        self.dir = Path(tempfile.mkdtemp(prefix="ys_bench_org_"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{self.dir / 'bench.sqlite3'}",
            "YINGSHANG_REQUIRE_OTP": "0",
            "DJANGO_DEBUG": "0",
        }

    def _manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        self._manage("migrate", "--noinput", "-v0")
        self._manage("seed_demo")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "error",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Session:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            }
        )
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302:
            raise RuntimeError(f"sign-in of {username} failed: HTTP {status}")


def _load(port: int, path: str, threads: int, seconds: float, cap: int, signed_in: bool) -> dict[str, Any]:
    from yingshang.org.demo import DEMO_PASSWORD

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    issued = [0]
    stop_at = [0.0]
    ready = threading.Barrier(threads + 1)

    def worker() -> None:
        session = Session(port)
        if signed_in:
            session.sign_in(DEMO_USER, DEMO_PASSWORD)
        session.request("GET", path)  # warm-up, not counted
        ready.wait()
        while time.monotonic() < stop_at[0]:
            with lock:
                if issued[0] >= cap:
                    return
                issued[0] += 1
            t0 = time.perf_counter()
            try:
                status, _ = session.request("GET", path)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                session = Session(port)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    stop_at[0] = time.monotonic() + 3600  # set properly once everyone is signed in
    ready.wait()
    started = time.monotonic()
    stop_at[0] = started + seconds
    for t in pool:
        t.join(timeout=seconds + 60)
    wall = time.monotonic() - started
    return {"latencies": latencies, "errors": errors[0], "seconds": wall}


def _lines(name: str, result: dict[str, Any], scale: dict[str, Any]) -> Iterator[Line]:
    yield from latency_lines(name, result["latencies"], scale)
    yield line(name, "per_s", round(len(result["latencies"]) / result["seconds"], 1), scale)
    yield line(name, "errors", result["errors"], scale)


def login_and_home_under_load(scale: str) -> Iterator[Line]:
    workers, threads, seconds, cap = SCALES[scale]
    with Server(workers) as server:
        for name, path, signed_in in [
            ("org.login_page", "/accounts/login/", False),
            ("org.home_signed_in", "/", True),
        ]:
            result = _load(server.port, path, threads, seconds, cap, signed_in)
            info = {
                "scale": scale,
                "server": f"gunicorn {workers} workers",
                "db": "sqlite",
                "threads": threads,
                "seconds": seconds,
                "requests": len(result["latencies"]),
            }
            yield from _lines(name, result, info)


BENCHMARKS = [login_and_home_under_load]
