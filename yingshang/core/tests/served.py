"""The app as `make run` serves it, for tests that must meet the real topology: `scripts/serve.sh` (gunicorn
with 3 workers, the job worker and the scheduler) on a throwaway database with the production sign-in rules
(second factor required, DEBUG off), migrated and seeded with the demo city.

    from yingshang.core.tests.served import served_app  # a session-scoped pytest fixture

The database is a SQLite file in a temporary directory (which is also the served app's var/), or, when
DATABASE_URL points to PostgreSQL, a database `<name>_served_<pid>` beside the configured one. Both are removed
at the end, and the whole process group of the server is stopped.

The test process does not share the served database through Django: read and change it with
`served_app.manage(...)` / `served_app.query(...)`, which run manage.py against it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django_otp.oath import totp

from yingshang.org.demo import DEMO_PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
START_TIMEOUT_SECONDS = 600
TOTP_STEP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _throwaway_database(var_dir: Path) -> Iterator[str]:
    """A DATABASE_URL for an empty database: PostgreSQL when the tests use it, else a file in `var_dir`."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{var_dir / 'yingshang.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(configured)
    name = f"{parts.path.lstrip('/')}_served_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ServedApp:
    """A running server: `.url`, `.manage(...)` against its database, and the demo accounts' sign-in."""

    password = DEMO_PASSWORD

    def __init__(self, url: str, env: dict[str, str], log_path: Path):
        self.url = url
        self.process_group: int | None = None  # of serve.sh and everything it started
        self.env = env
        self.log_path = log_path
        self._totp_keys: dict[str, bytes] = {}
        self._last_step: dict[str, int] = {}

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """Run `manage.py <args>` on the served database and settings; its stdout. Fails with its stderr."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=1800,  # seeding the demo city takes minutes, many on a busy machine
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def shell(self, code: str) -> str:
        """Run Python `code` in a Django shell on the served database (every model is imported); its stdout."""
        return self.manage("shell", "--verbosity", "0", "--command", code)

    def query(self, expression: str, setup: str = "") -> object:
        """The value of a Python `expression` (JSON-serialisable) evaluated in the served app after `setup`,
        e.g. `query("Appeal.objects.get(tracking_code='X').state")`."""
        out = self.shell(f"{setup}\nimport json\nprint(json.dumps({expression}, default=str))")
        return json.loads(out.strip().splitlines()[-1])

    def totp_key(self, username: str) -> bytes:
        """The secret of the user's confirmed authenticator (one is bound if it has none), as the user's
        authenticator app holds it."""
        if username not in self._totp_keys:
            hex_key = self.query(
                "device.key",
                setup=(
                    "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
                    f"user = User.objects.get(username={username!r})\n"
                    "device = TOTPDevice.objects.filter(user=user, confirmed=True).first()"
                    " or TOTPDevice.objects.create(user=user, name='浏览器验证', confirmed=True)"
                ),
            )
            self._totp_keys[username] = bytes.fromhex(str(hex_key))
        return self._totp_keys[username]

    def totp(self, username: str) -> str:
        """A code the server accepts now. A code is accepted once: a second sign-in within the same 30 s waits
        for the next code, as a person would."""
        key = self.totp_key(username)
        now = int(time.time()) // TOTP_STEP_SECONDS
        step = max(now, self._last_step.get(username, -1) + 1)
        if step > now:
            time.sleep(step * TOTP_STEP_SECONDS - time.time() + 0.5)
        self._last_step[username] = step
        return f"{totp(key):06d}"

    def session(self, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
        """An HTTP session signed in as `username` through the login page and, where the role requires it,
        the second-factor page."""
        s = requests.Session()
        s.get(f"{self.url}/accounts/login/", timeout=30)
        response = s.post(
            f"{self.url}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
            timeout=30,
        )
        if "/accounts/otp/" in response.url:
            response = s.post(
                f"{self.url}/accounts/otp/verify/",
                data={"token": self.totp(username), "csrfmiddlewaretoken": s.cookies["csrftoken"]},
                timeout=30,
            )
        if "/accounts/" in urlsplit(response.url).path:
            raise AssertionError(f"sign-in as {username} stopped at {response.url}")
        return s

    def log(self) -> str:
        """What the server, worker and scheduler wrote so far."""
        return self.log_path.read_text(errors="replace")


def _wait_until_answering(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"serve.sh exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/accounts/login/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {START_TIMEOUT_SECONDS}s:\n{log_path.read_text()[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the whole group (serve.sh, gunicorn and its workers, job worker, scheduler), SIGKILL to
    whatever is left after a grace period."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        server.poll()  # reaps serve.sh, so a finished group is no longer found
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@contextmanager
def serve(extra_env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    """Start the served app (see the module's docstring); `extra_env` adds settings such as
    YINGSHANG_IDLE_TIMEOUT."""
    var_dir = Path(tempfile.mkdtemp(prefix="ys_served_"))
    (var_dir / "vendor").symlink_to(BASE_DIR / "var" / "vendor")
    port = _free_port()
    log_path = var_dir / "serve.log"
    try:
        with _throwaway_database(var_dir) as database_url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                "DATABASE_URL": database_url,
                "YINGSHANG_VAR_DIR": str(var_dir),
                "YINGSHANG_REQUIRE_OTP": "1",
                "DJANGO_DEBUG": "0",
                "PY": sys.executable,
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "WEB_WORKERS": "3",
                # a worker importing the app on a busy machine may need more than gunicorn's 30 s to report
                "GUNICORN_CMD_ARGS": "--timeout 300",
                **(extra_env or {}),
            }
            app = ServedApp(f"http://127.0.0.1:{port}", env, log_path)
            collect = subprocess.Popen(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env
            )
            app.manage("migrate", "--noinput", "-v0")
            app.manage("seed_demo")
            if collect.wait() != 0:
                raise RuntimeError("collectstatic failed for the served app")
            with open(log_path, "ab") as log:
                server = subprocess.Popen(
                    ["sh", "scripts/serve.sh"],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, stopped as a whole
                )
            app.process_group = server.pid
            try:
                _wait_until_answering(app.url, server, log_path)
                yield app
            finally:
                _stop(server)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def served_app() -> Iterator[ServedApp]:
    with serve() as app:
        yield app
