"""From grids to import rows: find the header, classify columns, read each row's units, deadline and category,
match units to departments, and collect every problem with its row and column. Nothing here writes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from . import deadlines as dl
from . import units as u
from .columns import HEADER_SCAN_ROWS, NOTE, Columns, find_columns
from .readers import Grid, InlineItem, Workbook, cell_text

NEW_UNIT = "new:"  # mapping value: create this unit as a new department on commit
SEQ_MAX = 32
SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分)"
)


@dataclass
class ImportRow:
    row: int
    table: str
    seq: str
    task: str
    measure: str
    category: str
    document: str
    year: int | None
    lead: list[u.Unit]
    co: list[u.Unit]
    generic: list[str]
    deadline: dl.Deadline
    errors: list[str] = field(default_factory=list)
    matched: dict[str, str | None] = field(default_factory=dict)
    occurrence: int = 1
    parse_errors: list[str] = field(default_factory=list)  # the row's own problems; `errors` adds matching
    lead_column: str = ""
    co_column: str = ""
    notes: list[str] = field(default_factory=list)  # said in the preview, never blocking
    sheet: str = ""
    table_number: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "lead": [x.written for x in self.lead],
            "co": [x.written for x in self.co],
            "matched": dict(self.matched),
            "generic": list(self.generic),
            "deadline": self.deadline.date.isoformat()
            if self.deadline.date and not self.deadline.ongoing
            else None,
            "ongoing": self.deadline.ongoing,
            "errors": list(self.errors),
        }


@dataclass
class ParseResult:
    file_name: str
    title: str
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)
    has_category_column: bool = False
    readings: list[dict[str, Any]] = field(default_factory=list)  # per task table: which column holds what

    @property
    def ok(self) -> bool:
        return not self.errors and not any(r.errors for r in self.rows)

    def error_count(self) -> int:
        return len(self.errors) + sum(len(r.errors) for r in self.rows)

    @property
    def unsure(self) -> bool:
        return any(r["unsure"] for r in self.readings)

    def as_json(self) -> dict[str, Any]:
        several = len(self.readings) > 1
        rows = []
        for r in self.rows:
            entry = r.as_json()
            if several and r.sheet:
                entry["sheet"] = r.sheet
            if several and r.table_number:
                entry["table"] = r.table_number
            if r.notes:
                entry["notes"] = list(r.notes)
            rows.append(entry)
        return {
            "rows": rows,
            "unknown_units": list(self.unknown_units),
            "errors": list(self.errors),
            "columns": [dict(r) for r in self.readings],
        }


def _cell(values: list[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def _column_label(grid: Grid, columns: Columns, kind: str) -> str:
    name = columns.names.get(kind, "")
    quoted = f"“{name}”" if name else ""
    if kind in columns.index and (grid.column_letters or not name):
        return f" {get_column_letter(columns.index[kind] + 1)} 列{quoted}"
    return f"{quoted}列"


def _norm_task(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def task_digest(task: str) -> str:
    return hashlib.sha256(_norm_task(task).encode()).hexdigest()[:24]


def row_key(document_id: int, task: str, occurrence: int) -> str:
    """Stable identity of a plan row within its policy document: the task text (not 序号, so a re-export
    that renumbers still finds its tasks) and which occurrence of that text it is."""
    return f"doc{document_id}:{task_digest(task)}:{occurrence}"


@dataclass
class Options:
    year: int | None = None
    first_listed_leads: bool = True
    # "" keeps a cycle the file does not name open: new tasks take the office default, updates keep theirs.
    default_cycle: str = ""
    city_names: tuple[str, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)  # unit as written -> department code
    categories: dict[str, str] = field(default_factory=dict)  # source key -> category name
    columns: dict[str, int] = field(default_factory=dict)  # kind -> column (0-based), fixed by the user


def _title_above(grid: Grid, header_position: int) -> str:
    texts = []
    for _n, values in grid.rows[:header_position]:
        cells = [cell_text(v) for v in values if cell_text(v)]
        if cells:
            texts.append(cells[0])
    return max(texts, key=len) if texts else ""


def _reading(grid: Grid, columns: Columns) -> dict[str, Any]:
    """What `import_ledger --json` reports under "columns": which column (as a letter) holds what."""
    where: dict[str, Any] = {"sheet": grid.sheet} if grid.sheet else {"table": grid.number or 1}
    header = columns.header_row
    where["header_row"] = grid.rows[header][0] if header >= 0 else None
    kinds = dict(columns.index)
    if columns.measure is not None:
        kinds["measure"] = columns.measure
    for kind, i in sorted(kinds.items(), key=lambda x: x[1]):
        where[kind] = get_column_letter(i + 1)
    where["by"] = {k: columns.how.get(k, "name") for k in kinds}
    where["unsure"] = list(columns.unsure)
    return where


def find_tables(
    workbook: Workbook, options: Options, index: u.DepartmentIndex | None
) -> list[tuple[Grid, Columns]]:
    """The grids that hold a task table with their columns; a grid without a header that has the previous
    table's width continues it (the same table carried on to the next sheet)."""
    tables: list[tuple[Grid, Columns]] = []
    previous: Columns | None = None
    for grid in workbook.grids:
        columns = find_columns(grid, index=index, given=options.columns or None, previous=previous)
        if columns is None:
            continue
        unit_column = {"lead", "responsible", "co"} & set(columns.index)
        if columns.how.get("task") == "content" and not unit_column and "deadline" not in columns.index:
            continue  # text but nothing a task table has beside it: a notes or contacts sheet
        tables.append((grid, columns))
        previous = columns
    if not tables:
        # Still nothing: any grid with a column of text is handed to the user rather than refused.
        for grid in workbook.grids:
            columns = find_columns(grid, index=index, given=options.columns or None)
            if columns is not None:
                return [(grid, columns)]
    return tables


def parse(workbook: Workbook, *, file_name: str, options: Options, index: u.DepartmentIndex) -> ParseResult:
    result = ParseResult(file_name=file_name, title="")
    stem = file_name.rsplit(".", 1)[0]
    task_tables = find_tables(workbook, options, index)
    # A Word document's title is its first short paragraph; a sheet's is the text above its header.
    fallback = workbook.title_hint or stem
    for grid, columns in task_tables:
        result.readings.append(_reading(grid, columns))
        _parse_grid(grid, columns, result, options, fallback)
    if workbook.inline:
        # Paragraphs with "（牵头单位：…）" are read even beside task tables: nothing is dropped silently.
        result.title = result.title or fallback
        _parse_inline(workbook.inline, result, options, fallback)
    if not task_tables and not workbook.inline:
        where = "、".join(g.label for g in workbook.grids) or "文件"
        result.errors.append(
            f"{where}的前 {HEADER_SCAN_ROWS} 行中没有一列是文字，找不到任务内容。"
            "请确认上传的是任务分工表，或另存为 .xlsx 后重新上传。"
        )
        return result
    if not result.rows and not result.errors:
        result.errors.append("表头下没有任务行。")
    match(result, options, index)
    _assign_keys(result)
    return result


def _formula_error(shown: int, ref: str, header: str) -> str:
    return (
        f"第{shown}行 {ref} 单元格{('“' + header + '”') if header else ''}是公式但没有计算结果，"
        "请在 Excel 中打开并保存后重新上传。"
    )


def _row_deadline(
    value: Any, year: int | None, options: Options, where: str, errors: list[str], notes: list[str]
) -> dl.Deadline:
    """The row's deadline; its problem goes to `errors`, a placeholder ("待定", "—") to `notes`."""
    deadline = dl.parse_deadline(value, year=year, default_cycle=options.default_cycle)
    if deadline.error:
        errors.append(f"{where}：{deadline.error}。")
    elif deadline.date is None and not deadline.ongoing:
        if deadline.placeholder:
            notes.append(f"{where}写的是“{deadline.text}”，按没有完成时限的长期任务导入。")
        # No deadline written: a standing task, reported on every cycle.
        deadline = dl.Deadline(ongoing=True, cycle=options.default_cycle, text="")
    return deadline


@dataclass
class _GridReading:
    """What every row of one task table is read with: its columns, header, labels and uncomputed formulas."""

    grid: Grid
    columns: Columns
    options: Options
    title: str
    stem: str
    file_name: str
    header_values: list[Any]
    lead_mode: str
    lead_label: str
    co_label: str
    deadline_label: str
    formulas_by_row: dict[int, list[tuple[int, str]]]


def _parse_grid(grid: Grid, columns: Columns, result: ParseResult, options: Options, stem: str) -> None:
    """`stem`: the title to use when nothing above the header names the plan (Word title or file name)."""
    title = _title_above(grid, columns.header_row) or stem
    if not result.title:
        result.title = title
    if "category" in columns.index:
        result.has_category_column = True
    header_number, header_values = _header(grid, columns)
    section = ""
    lead_kind = "lead" if "lead" in columns.index else "responsible"
    task_index, lead_index = columns.index["task"], columns.index.get(lead_kind)
    header_task = _cell(header_values, task_index) or ""
    header_lead = _cell(header_values, lead_index) or ""
    lead_label = _column_label(grid, columns, lead_kind)
    reading = _GridReading(
        grid=grid,
        columns=columns,
        options=options,
        title=title,
        stem=stem,
        file_name=result.file_name,
        header_values=header_values,
        lead_mode=u.LEAD_COLUMN if lead_kind == "lead" else u.RESPONSIBLE_COLUMN,
        lead_label=lead_label,
        co_label=_column_label(grid, columns, "co") if "co" in columns.index else lead_label,
        deadline_label=_column_label(grid, columns, "deadline"),
        formulas_by_row=_formulas_by_row(grid),
    )
    for number, values in grid.rows[columns.header_row + 1 :]:
        shown = number - header_number + 1 if grid.relative_numbering else number
        task = cell_text(_cell(values, task_index))
        lead_text = cell_text(_cell(values, lead_index))
        task_formula = grid.uncached_formulas.get((number, task_index))
        if not task and task_formula:
            # The task itself is a formula Excel never computed: the row is a task we cannot read, not a
            # blank line — name it, or the office loses a task without a word.
            result.errors.append(_formula_error(shown, task_formula, header_task))
            continue
        if not task or task == lead_text:
            # Not a task row: blank, a section heading ("一、优化政务环境", often merged across), a note.
            heading = _section_heading(values, task, lead_text)
            if heading is not None:
                section = heading
            continue
        if task == header_task and lead_text == header_lead:
            continue  # the header repeated on a new page
        result.rows.append(_grid_row(reading, number, shown, values, task, lead_text, section))


def _header(grid: Grid, columns: Columns) -> tuple[int, list[Any]]:
    """The header's row number and its values."""
    if columns.header_row >= 0:
        header_number = grid.rows[columns.header_row][0]
        header_values = columns.header_values or [cell_text(v) for v in grid.rows[columns.header_row][1]]
    else:
        header_number = grid.rows[0][0] if grid.rows else 1  # no header: the first row is row 1
        header_values = columns.header_values
    return header_number, header_values


def _formulas_by_row(grid: Grid) -> dict[int, list[tuple[int, str]]]:
    formulas_by_row: dict[int, list[tuple[int, str]]] = {}
    for (fr, fc), ref in grid.uncached_formulas.items():
        formulas_by_row.setdefault(fr, []).append((fc, ref))
    return formulas_by_row


def _section_heading(values: list[Any], task: str, lead_text: str) -> str | None:
    """The section a row that is not a task opens, or None for a blank line or a note."""
    texts = [t for t in (cell_text(v) for v in values) if t]
    if not texts or NOTE.match(texts[0]):
        return None
    heading = SECTION.match(texts[0])
    if (len(set(texts)) == 1 and (not lead_text or task == lead_text)) or heading:
        return SECTION.sub("", texts[0]).strip() or texts[0]
    return None


def _grid_row(
    reading: _GridReading,
    number: int,
    shown: int,
    values: list[Any],
    task: str,
    lead_text: str,
    section: str,
) -> ImportRow:
    """One task row of a table, with every problem found in it."""
    grid, columns, options = reading.grid, reading.columns, reading.options
    header_values = reading.header_values
    errors: list[str] = []
    for fc, ref in sorted(reading.formulas_by_row.get(number, [])):
        errors.append(_formula_error(shown, ref, header_values[fc] if fc < len(header_values) else ""))
    seq = cell_text(_cell(values, columns.index.get("seq")))
    if len(seq) > SEQ_MAX:
        errors.append(
            f"第{shown}行{_column_label(grid, columns, 'seq')}过长（最多 {SEQ_MAX} 个字），请只填写编号。"
        )
    document = cell_text(_cell(values, columns.index.get("document"))) or reading.title
    year = (
        options.year
        or dl.plan_year(document)
        or dl.plan_year(reading.title)
        or dl.plan_year(reading.stem)
        or dl.plan_year(reading.file_name)
    )
    notes: list[str] = []
    leads, cos, generic = _row_units(reading, shown, values, lead_text, errors, notes)
    raw_deadline = _cell(values, columns.index.get("deadline"))
    where = f"第{shown}行{reading.deadline_label}"
    deadline = _row_deadline(raw_deadline, year, options, where, errors, notes)
    category = cell_text(_cell(values, columns.index.get("category"))) or section
    measure = cell_text(_cell(values, columns.measure)) if columns.measure is not None else ""
    return ImportRow(
        row=shown,
        table=grid.label,
        seq=seq,
        task=task,
        measure=measure,
        category=category,
        document=document,
        year=year,
        lead=leads,
        co=cos,
        generic=generic,
        deadline=deadline,
        parse_errors=errors,
        lead_column=reading.lead_label,
        co_column=reading.co_label,
        notes=notes,
        sheet=grid.sheet,
        table_number=grid.number,
    )


def _row_units(
    reading: _GridReading,
    shown: int,
    values: list[Any],
    lead_text: str,
    errors: list[str],
    notes: list[str],
) -> tuple[list[u.Unit], list[u.Unit], list[str]]:
    """The row's (leads, co-operating units, generic phrases); a missing lead goes to `errors`, a unit both
    leading and co-operating to `notes`."""
    first_listed_leads = reading.options.first_listed_leads
    lead_cell = u.split_cell(lead_text, reading.lead_mode, first_listed_leads=first_listed_leads)
    co_text = cell_text(_cell(values, reading.columns.index.get("co")))
    co_cell = u.split_cell(co_text, u.CO_COLUMN, first_listed_leads=first_listed_leads)
    leads = list(lead_cell.lead)
    cos = [x for x in lead_cell.co + co_cell.lead + co_cell.co if x not in leads]
    cos = list(dict.fromkeys(cos))
    generic = list(dict.fromkeys(lead_cell.generic + co_cell.generic))
    twice = [x.written for x in leads if x in co_cell.lead + co_cell.co]
    if twice:
        notes.append(
            f"第{shown}行“{'、'.join(twice)}”既是牵头单位又列在{reading.co_label}中，按牵头单位导入。"
        )
    if not leads:
        if lead_cell.generic:
            errors.append(
                f"第{shown}行{reading.lead_label}只写了“{'、'.join(lead_cell.generic)}”，没有具体的牵头单位，"
                "请在文件中写明牵头单位。"
            )
        else:
            errors.append(f"第{shown}行{reading.lead_label}为空，请填写牵头单位。")
    return leads, cos, generic


INLINE_PART = re.compile(
    r"(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|完成时限|完成时间|时间节点)[:：]"
)
SEQ_PREFIX = re.compile(r"^\s*(\d+|[一二三四五六七八九十]+)[.．、]\s*")


def _parse_inline(items: list[InlineItem], result: ParseResult, options: Options, title: str) -> None:
    for item in items:
        parts, last_label = _inline_parts(item.annotation)
        year = options.year or dl.plan_year(title)
        deadline_text = parts.pop("deadline", "")
        if not deadline_text and last_label and last_label != "deadline":
            deadline_text = _trailing_deadline(parts, last_label, year, options)
        lead_cell, co_cell = _inline_units(parts, options)
        leads = list(lead_cell.lead)
        cos = list(dict.fromkeys(x for x in lead_cell.co + co_cell.lead + co_cell.co if x not in leads))
        errors: list[str] = []
        label = "“牵头单位”" if "lead" in parts else "“责任单位”"
        if not leads:
            errors.append(f"第{item.number}段{label}没有具体的牵头单位，请在文件中写明。")
        deadline = dl.parse_deadline(deadline_text or None, year=year, default_cycle=options.default_cycle)
        if deadline.error:
            errors.append(f"第{item.number}段“完成时限”：{deadline.error}。")
        elif deadline.date is None and not deadline.ongoing:
            deadline = dl.Deadline(ongoing=True, cycle=options.default_cycle, text="")
        numbered = SEQ_PREFIX.match(item.text)
        seq = numbered.group(1) if numbered else ""
        task = item.text[numbered.end() :] if numbered else item.text
        result.rows.append(
            ImportRow(
                row=item.number,
                table="正文",
                seq=seq,
                task=task,
                measure="",
                category=SECTION.sub("", item.heading).strip(),
                document=title,
                year=year,
                lead=leads,
                co=cos,
                generic=list(dict.fromkeys(lead_cell.generic + co_cell.generic)),
                deadline=deadline,
                parse_errors=errors,
                lead_column=f"第{item.number}段{label}",
                co_column=f"第{item.number}段“责任单位”",
            )
        )


def _inline_label(word: str) -> str:
    if word.startswith("牵头"):
        return "lead"
    if word.startswith("配合"):
        return "co"
    if word.startswith("责任"):
        return "resp"
    return "deadline"


def _inline_parts(annotation: str) -> tuple[dict[str, str], str]:
    """The note's parts by label ("lead", "co", "resp", "deadline") and the label of the last one."""
    parts: dict[str, str] = {}
    matches = list(INLINE_PART.finditer(annotation))
    last_label = ""
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(annotation)
        label = _inline_label(m.group(1))
        # "…，开发区管委。以下任务均需…": after a full stop the note says something else, not units.
        parts[label] = annotation[m.end() : end].split("。")[0].strip("；;，, ")
        last_label = label
    if not matches:
        parts["resp"] = annotation  # the roles in words: "X牵头，Y按职责分工负责"
        last_label = "resp"
    return parts, last_label


def _trailing_deadline(parts: dict[str, str], last_label: str, year: int | None, options: Options) -> str:
    """ "…，6月底完成": the last comma-separated piece of the last part, when it reads as a deadline; it is
    then taken out of that part. "" when it does not."""
    pieces = re.split(r"[，,]", parts[last_label])
    tail = pieces[-1].strip()
    probe = dl.parse_deadline(tail, year=year or 2000, default_cycle=options.default_cycle)
    if tail and not probe.error and (probe.date or probe.ongoing):
        parts[last_label] = "，".join(pieces[:-1])
        return tail
    return ""


def _inline_units(parts: dict[str, str], options: Options) -> tuple[u.CellUnits, u.CellUnits]:
    """The units of the lead part (or, without one, the responsible part) and of the parts that co-operate."""
    if "lead" in parts:
        lead_cell = u.split_cell(parts["lead"], u.LEAD_COLUMN, first_listed_leads=options.first_listed_leads)
        co_source = (
            parts.get("resp", "")
            + ("，" if parts.get("resp") and parts.get("co") else "")
            + parts.get("co", "")
        )
    else:
        lead_cell = u.split_cell(
            parts.get("resp", ""), u.RESPONSIBLE_COLUMN, first_listed_leads=options.first_listed_leads
        )
        co_source = parts.get("co", "")
    co_cell = u.split_cell(co_source, u.CO_COLUMN, first_listed_leads=options.first_listed_leads)
    return lead_cell, co_cell


def match(result: ParseResult, options: Options, index: u.DepartmentIndex) -> None:
    """(Re)match every row's units, e.g. after the user mapped or created unknown units in the preview."""
    unknown: dict[str, None] = {}
    for row in result.rows:
        row.errors = list(row.parse_errors)
        row.matched = {}
        for unit, column in [(x, row.lead_column) for x in row.lead] + [(x, row.co_column) for x in row.co]:
            target = options.mapping.get(unit.written, "")
            if target.startswith(NEW_UNIT):
                row.matched[unit.written] = NEW_UNIT + unit.written
                continue
            ref, ambiguous = index.match(unit, options.mapping)
            row.matched[unit.written] = ref.code if ref else None
            if ref is None:
                unknown[unit.written] = None
                where = column if column.startswith("第") else f"第{row.row}行{column}"
                if ambiguous:
                    row.errors.append(f"{where}：“{unit.written}”对应多个单位，请在预览中指定。")
                else:
                    row.errors.append(f"{where}：单位“{unit.written}”不在单位库中，请对应到已有单位或新建。")
    result.unknown_units = list(unknown)


def _assign_keys(result: ParseResult) -> None:
    """Number repeated task texts within a document; the key itself needs the document's id (see commit)."""
    seen: dict[tuple[str, str], int] = {}
    for row in result.rows:
        ident = (row.document, _norm_task(row.task))
        seen[ident] = seen.get(ident, 0) + 1
        row.occurrence = seen[ident]
