"""An upload waiting for confirmation: the file and its parse kept in storage under a random token, the user's
choices (year, unit mapping, categories, target document) in the session. Nothing here touches the ledger."""

from __future__ import annotations

import pickle
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .parser import ParseResult

PREFIX = "ledger_imports"
SESSION_KEY = "ledger_imports"
KEEP = 5  # staged uploads kept per session; older ones are removed


@dataclass
class Staging:
    token: str
    name: str
    ext: str
    year: int | None = None
    document_id: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)
    default_category: str = ""

    def as_session(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "name": self.name,
            "ext": self.ext,
            "year": self.year,
            "document_id": self.document_id,
            "mapping": self.mapping,
            "categories": {str(k): v for k, v in self.categories.items()},
            "default_category": self.default_category,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Staging:
        return cls(
            token=data["token"],
            name=data["name"],
            ext=data["ext"],
            year=data.get("year"),
            document_id=data.get("document_id"),
            mapping=dict(data.get("mapping") or {}),
            categories={int(k): v for k, v in (data.get("categories") or {}).items()},
            default_category=data.get("default_category", ""),
        )

    @property
    def file_path(self) -> str:
        return f"{PREFIX}/{self.token}{self.ext}"

    @property
    def parse_path(self) -> str:
        return f"{PREFIX}/{self.token}.parse"

    def read_file(self) -> bytes:
        with default_storage.open(self.file_path, "rb") as f:
            return f.read()

    def read_parse(self) -> ParseResult | None:
        try:
            with default_storage.open(self.parse_path, "rb") as f:
                # Written only by `stage_upload`, under a random name the session holds.
                return pickle.loads(f.read())
        except (OSError, pickle.PickleError, EOFError, AttributeError):
            return None

    def delete(self) -> None:
        for path in (self.file_path, self.parse_path):
            if default_storage.exists(path):
                default_storage.delete(path)


def stage_upload(
    session: Any,
    *,
    name: str,
    ext: str,
    data: bytes,
    result: ParseResult,
    year: int | None,
    document_id: int | None,
) -> Staging:
    staging = Staging(token=secrets.token_urlsafe(16), name=name, ext=ext, year=year, document_id=document_id)
    default_storage.save(staging.file_path, ContentFile(data))
    default_storage.save(
        staging.parse_path, ContentFile(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    )
    entries = [e for e in session.get(SESSION_KEY, []) if e.get("token") != staging.token]
    entries.append(staging.as_session())
    for old in entries[:-KEEP]:
        Staging.from_session(old).delete()
    session[SESSION_KEY] = entries[-KEEP:]
    return staging


def load(session: Any, token: str) -> Staging | None:
    for entry in session.get(SESSION_KEY, []):
        if entry.get("token") == token:
            return Staging.from_session(entry)
    return None


def save(session: Any, staging: Staging) -> None:
    entries = [
        e if e.get("token") != staging.token else staging.as_session() for e in session.get(SESSION_KEY, [])
    ]
    session[SESSION_KEY] = entries


def drop(session: Any, staging: Staging) -> None:
    staging.delete()
    session[SESSION_KEY] = [e for e in session.get(SESSION_KEY, []) if e.get("token") != staging.token]


def purge_stale(*, max_age_hours: int = 24) -> int:
    """Delete staged uploads nobody confirmed or cancelled (a closed browser leaves them behind). Safe to run
    at any time and twice; returns how many files were removed. To be scheduled daily."""
    from datetime import timedelta

    from django.utils import timezone

    try:
        _dirs, names = default_storage.listdir(PREFIX)
    except (FileNotFoundError, NotImplementedError):
        return 0
    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    removed = 0
    for name in names:
        path = f"{PREFIX}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return removed
