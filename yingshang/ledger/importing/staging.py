"""An upload waiting for confirmation: a `core.staging` staged import owned by the uploader (the file, and the
choices made on the preview: year, unit mapping and types, categories, target document, historical rows),
plus the parse kept beside it in storage as a cache so a 10,000-row preview is not parsed on every page.
Nothing here touches the ledger."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from yingshang.core import staging as core_staging
from yingshang.core.models import StagedImport

from .parser import NEW_UNIT, ParseResult

PREFIX = "ledger_imports"
KIND = StagedImport.Kind.LEDGER


@dataclass
class Staging:
    record: StagedImport
    ext: str
    year: int | None = None
    document_id: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # unit -> department code, or "new:" + its kind
    categories: dict[int, str] = field(default_factory=dict)
    default_category: str = ""
    historical: str = ""  # what past-deadline rows become: "" (ordinary tasks), "done" or "excluded"

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def name(self) -> str:
        return self.record.file_name

    def as_payload(self) -> dict[str, Any]:
        return {
            "ext": self.ext,
            "year": self.year,
            "document_id": self.document_id,
            "mapping": self.mapping,
            "categories": {str(k): v for k, v in self.categories.items()},
            "default_category": self.default_category,
            "historical": self.historical,
        }

    @classmethod
    def from_record(cls, record: StagedImport) -> Staging:
        data = record.payload
        return cls(
            record=record,
            ext=data["ext"],
            year=data.get("year"),
            document_id=data.get("document_id"),
            mapping=dict(data.get("mapping") or {}),
            categories={int(k): v for k, v in (data.get("categories") or {}).items()},
            default_category=data.get("default_category", ""),
            historical=data.get("historical", ""),
        )

    def create_as_new(self, units: list[str], *, kind: str = "") -> None:
        """Mark units to be created on commit; a unit already marked keeps its type unless one is given."""
        for unit in units:
            current = self.mapping.get(unit, "")
            keep = current.removeprefix(NEW_UNIT) if current.startswith(NEW_UNIT) else ""
            self.mapping[unit] = NEW_UNIT + (kind or keep)

    def set_new_unit_kind(self, kind: str) -> None:
        self.create_as_new([u for u, t in self.mapping.items() if t.startswith(NEW_UNIT)], kind=kind)

    @property
    def parse_path(self) -> str:
        return f"{PREFIX}/{self.token}.parse"

    def read_file(self) -> bytes:
        return bytes(self.record.content)

    def read_parse(self) -> ParseResult | None:
        """The cached parse, or None (removed by the purge, or on another machine): the caller parses again."""
        try:
            with default_storage.open(self.parse_path, "rb") as f:
                # Written only by `stage_upload`, under the staged import's random token.
                return pickle.loads(f.read())
        except (OSError, pickle.PickleError, EOFError, AttributeError):
            return None

    def delete_parse(self) -> None:
        if default_storage.exists(self.parse_path):
            default_storage.delete(self.parse_path)


def stage_upload(
    *,
    actor: Any,
    name: str,
    ext: str,
    data: bytes,
    result: ParseResult,
    year: int | None,
    document_id: int | None,
) -> Staging:
    record = core_staging.stage(
        actor=actor,
        kind=KIND,
        file_name=name,
        content=data,
        payload={"ext": ext, "year": year, "document_id": document_id},
    )
    staged = Staging.from_record(record)
    default_storage.save(
        staged.parse_path, ContentFile(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    )
    return staged


def load(actor: Any, token: str) -> Staging:
    """The owner's open preview; raises core NotFound (someone else's or unknown) or StagedImportGone."""
    return Staging.from_record(core_staging.get_for_owner(actor=actor, kind=KIND, token=token))


def save(staged: Staging) -> None:
    core_staging.update_payload(staged=staged.record, payload=staged.as_payload())


@contextmanager
def consume(actor: Any, staged: Staging) -> Iterator[Staging]:
    """Claim the preview for the commit in the commit's transaction: a second confirm imports nothing."""
    with core_staging.consume(actor=actor, kind=KIND, token=staged.token):
        yield staged
    staged.delete_parse()


def drop(staged: Staging) -> None:
    core_staging.discard(staged=staged.record)
    staged.delete_parse()


def purge_stale(*, max_age_hours: int = 24) -> int:
    """Delete cached parses older than a staged import lives (a closed browser leaves them behind). Safe to
    run at any time and twice; returns how many files were removed. Scheduled daily."""
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
