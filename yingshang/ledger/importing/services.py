"""The import as one call for the command, the pages and the benchmark: read → parse → match → stage →
(unless a dry run) commit. Reading and parsing happen before any transaction opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yingshang.core.errors import ValidationFailed
from yingshang.core.office_settings import get_setting

from ..models import PolicyDocument
from . import commit as c
from . import parser as p
from . import readers
from .columns import ASSIGNABLE
from .units import DepartmentIndex


@dataclass
class ImportOutcome:
    result: p.ParseResult
    staged: c.Staged | None
    committed: bool = False
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    def as_json(self) -> dict[str, Any]:
        """Exactly the shape of the issue: {"rows": [...], "unknown_units": [...], "errors": [...]}."""
        return self.result.as_json()


def city_names() -> tuple[str, ...]:
    raw = str(get_setting("ledger_import_city_names") or "")
    return tuple(n.strip() for n in raw.replace("，", "、").replace(",", "、").split("、") if n.strip())


def options_for(
    *, year: int | None = None, mapping: dict[str, str] | None = None, columns: dict[str, int] | None = None
) -> p.Options:
    return p.Options(
        year=year,
        first_listed_leads=bool(get_setting("ledger_import_first_listed_leads")),
        city_names=city_names(),
        mapping=dict(mapping or {}),
        columns=dict(columns or {}),
    )


def parse_columns(text: str) -> dict[str, int]:
    """`task=D,lead=E,co=F,deadline=G` -> {"task": 3, ...}; a letter or a 1-based number names a column."""
    from openpyxl.utils import column_index_from_string

    columns: dict[str, int] = {}
    for part in (x.strip() for x in text.replace("，", ",").split(",") if x.strip()):
        kind, _, where = (x.strip() for x in part.partition("="))
        if kind not in ASSIGNABLE or not where:
            raise ValidationFailed(
                f"列的指定“{part}”无法识别：请写成“任务=列”的形式，如 task=D，可用的名称有 {'、'.join(ASSIGNABLE)}。",
                code="ledger.import_columns_invalid",
            )
        try:
            number = int(where) if where.isdigit() else column_index_from_string(where.upper())
        except ValueError as exc:
            raise ValidationFailed(
                f"列的指定“{part}”中“{where}”不是列号，请写列字母（如 D）或从 1 起的列序号。",
                code="ledger.import_columns_invalid",
            ) from exc
        if kind != "ignore":
            columns[kind] = number - 1
    if "task" not in columns:
        raise ValidationFailed(
            "指定列时必须指明任务所在的列（task=列字母）。", code="ledger.import_columns_invalid"
        )
    return columns


def parse_file(
    *,
    name: str,
    data: bytes,
    year: int | None = None,
    mapping: dict[str, str] | None = None,
    columns: dict[str, int] | None = None,
) -> p.ParseResult:
    """Read and parse; a file that cannot be read at all raises readers.ImportRefused."""
    max_bytes = int(get_setting("ledger_import_max_mb")) * 1024 * 1024
    workbook = readers.read(name, data, max_bytes=max_bytes)
    options = options_for(year=year, mapping=mapping, columns=columns)
    index = DepartmentIndex.from_db(options.city_names)
    return p.parse(workbook, file_name=name, options=options, index=index)


def ledger_import(
    *,
    actor: Any,
    name: str,
    data: bytes,
    year: int | None = None,
    dry_run: bool = True,
    mapping: dict[str, str] | None = None,
    categories: dict[int, str] | None = None,
    document: PolicyDocument | None = None,
    source_file: Any = None,
    parsed: p.ParseResult | None = None,
    expected_digest: str | None = None,
    historical: str = "",
    columns: dict[str, int] | None = None,
) -> ImportOutcome:
    """Preview (dry run) or commit a task-division file. With any error nothing is saved (`committed` stays
    False and the errors are in `result`); a refusal by a ledger service while writing rolls back and raises.
    With `expected_digest` (the preview's), a commit that would now write anything else is refused."""
    if parsed is not None:
        # The preview's parse, kept with the staged file: only matching and staging are redone.
        result = parsed
        options = options_for(year=year, mapping=mapping)
        p.match(result, options, DepartmentIndex.from_db(options.city_names))
    else:
        try:
            result = parse_file(name=name, data=data, year=year, mapping=mapping, columns=columns)
        except readers.ImportRefused as exc:
            return ImportOutcome(
                result=p.ParseResult(file_name=name, title="", errors=[exc.message]), staged=None
            )
    staged = c.stage(result, document=document, categories=categories, mapping=mapping, historical=historical)
    outcome = ImportOutcome(result=result, staged=staged, counts=staged.counts)
    if dry_run or not result.ok:
        return outcome
    if expected_digest is not None and staged.digest != expected_digest:
        raise ValidationFailed(
            "预览之后台账或预览中的选择有了变化，现在导入的结果将与您看到的不同，未保存任何内容。"
            "请核对下面更新后的预览，再确认导入。",
            code="ledger.import_preview_outdated",
        )
    counts = c.commit(staged, actor=actor, file_name=name, source_file=source_file)
    outcome.committed = True
    outcome.counts = counts
    return outcome
