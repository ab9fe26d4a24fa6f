"""The witness outside the database: at each sealing, the chain head and the number of sealed records are
appended as one JSON line to a file (setting or environment variable `YINGSHANG_AUDIT_WITNESS`, by default
`var/audit-witness.jsonl`) and, when `YINGSHANG_AUDIT_WITNESS_SYSLOG` names a syslog address ("/dev/log"
or "host:port"), sent to syslog too. Each line names the database it belongs to, so one file may serve
several databases (a restored copy starts its own lines). Deleting the newest records together with their
seals cannot be told from honest history inside the database; against the witness it shows as a gap."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

FORMAT = 1


def witness_path() -> Path:
    configured = getattr(settings, "YINGSHANG_AUDIT_WITNESS", None) or os.environ.get(
        "YINGSHANG_AUDIT_WITNESS"
    )
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit-witness.jsonl"


def _syslog_address() -> str:
    return str(
        getattr(settings, "YINGSHANG_AUDIT_WITNESS_SYSLOG", None)
        or os.environ.get("YINGSHANG_AUDIT_WITNESS_SYSLOG", "")
    )


@cache
def _syslog_logger(address: str) -> logging.Logger:
    host, _, port = address.rpartition(":")
    target: str | tuple[str, int] = (host, int(port)) if host and port.isdigit() else address
    logger = logging.getLogger(f"yingshang.audit.witness.{address}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.handlers.SysLogHandler(
        address=target, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
    )
    handler.setFormatter(logging.Formatter("yingshang-audit-witness: %(message)s"))
    logger.addHandler(handler)
    return logger


@dataclass(frozen=True)
class WitnessEntry:
    event: str  # start | seal
    at: str
    database: str
    engine: str
    name: str
    sealed: int  # sealed records = the last seal's position in the chain
    last_record_id: int | None
    head: str

    def as_line(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, ensure_ascii=False, sort_keys=True)


def append(entry: WitnessEntry) -> None:
    """Append one line and force it to disk; O_APPEND keeps concurrent writers' lines whole."""
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (entry.as_line() + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    address = _syslog_address()
    if address:
        _syslog_logger(address).info(entry.as_line())


def _entries() -> list[dict[str, Any]]:
    path = witness_path()
    if not path.exists():
        return []
    found = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                data = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash mid-write says nothing
            if isinstance(data, dict) and data.get("format") == FORMAT:
                found.append(data)
    return found


def _entry(data: dict[str, Any]) -> WitnessEntry:
    return WitnessEntry(**{k: v for k, v in data.items() if k != "format"})


def lines_for(database: str) -> list[WitnessEntry]:
    return [_entry(data) for data in _entries() if data.get("database") == database]


def furthest(lines: list[WitnessEntry]) -> WitnessEntry | None:
    """The line with the most sealed records (sealers may finish out of order)."""
    return max(lines, key=lambda line: line.sealed, default=None)


def latest_for(database: str) -> WitnessEntry | None:
    return furthest(lines_for(database))


def latest_other_at(*, engine: str, name: str, database: str) -> WitnessEntry | None:
    """The furthest line of another database identity at the same place (engine and database name)."""
    return furthest(
        [
            _entry(data)
            for data in _entries()
            if data.get("engine") == engine and data.get("name") == name and data.get("database") != database
        ]
    )
