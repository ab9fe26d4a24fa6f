"""Read a task-division file into plain grids of cell values, merged cells already filled from their top-left
cell. One reader per format; every failure is an ImportRefused with a Chinese message."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from yingshang.core.errors import ValidationFailed
from yingshang.core.uploads import MAX_INFLATED_BYTES, MAX_INFLATION_RATIO

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
ACCEPTED = (".xlsx", ".xls", ".csv", ".docx")
WPS_EXTENSIONS = (".wps", ".et", ".ett", ".wpt", ".dps")
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".xlam", ".docm", ".dotm")


class ImportRefused(ValidationFailed):
    code = "ledger.import_refused"


@dataclass
class Grid:
    """One sheet or table. `rows` are (number shown to the user, cell values); for spreadsheets the number is the
    worksheet row, for .csv/.docx it is the position counted from 1 (renumbered from the header later)."""

    label: str
    rows: list[tuple[int, list[Any]]]
    relative_numbering: bool = False
    column_letters: bool = False
    sheet: str = ""  # the worksheet's name, for a workbook
    number: int = 0  # the table's place in a Word document, from 1
    # (row number, column index 0-based) -> cell reference, for formula cells that carry no cached value.
    uncached_formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class InlineItem:
    """A paragraph of a .docx body ending in "（牵头单位：…；责任单位：…，6月底完成）"."""

    number: int
    text: str
    annotation: str
    heading: str


@dataclass
class Workbook:
    grids: list[Grid]
    inline: list[InlineItem] = field(default_factory=list)
    title_hint: str = ""


def extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _refuse_by_extension(name: str, ext: str) -> None:
    if ext in MACRO_EXTENSIONS:
        raise ImportRefused(
            f"“{name}”是含宏的文件（{ext}），出于安全考虑不予接收，请另存为 .xlsx 或 .docx 后上传。"
        )
    if ext in WPS_EXTENSIONS:
        raise ImportRefused(
            f"“{name}”是 WPS 格式（{ext}），无法直接读取。"
            "请在 WPS 中用“另存为”保存为 .xlsx（表格）或 .docx（文字）后上传。"
        )
    if ext not in ACCEPTED:
        raise ImportRefused(
            f"不支持“{name}”的文件类型，请上传 .xlsx、.xls、.csv 或 .docx 格式的任务分工方案。"
        )


def _check_package(name: str, ext: str, data: bytes) -> str:
    """An .xlsx/.docx: the format it really is, or ImportRefused (encrypted, old format, zip bomb, macros)."""
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise ImportRefused(f"“{name}”设置了打开密码，无法读取。请取消密码保护后重新上传。")
        if ext == ".xlsx":
            return ".xls"  # an old-format workbook saved under a new name: read it as what it is
        raise ImportRefused(f"“{name}”是旧版 Word 文件（.doc），请另存为 .docx 后上传。")
    if not data.startswith(ZIP_MAGIC):
        raise ImportRefused(f"“{name}”已损坏或不是有效的 {ext} 文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportRefused(f"“{name}”已损坏或不是有效的 {ext} 文件。") from exc
    # Judged on the sizes the archive declares, before anything is inflated (a zip bomb stops here).
    if inflated > MAX_INFLATED_BYTES or inflated > MAX_INFLATION_RATIO * len(data):
        raise ImportRefused(f"“{name}”解压后过大，疑似异常文件，不予接收。")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused(f"“{name}”含有宏代码，出于安全考虑不予接收，请删除宏后另存为 {ext} 上传。")
    return ext


def check_file(name: str, data: bytes, *, max_bytes: int) -> str:
    """The extension to read `data` as, or ImportRefused before anything is parsed."""
    ext = extension(name)
    _refuse_by_extension(name, ext)
    if len(data) > max_bytes:
        raise ImportRefused(f"文件“{name}”超过 {max_bytes // (1024 * 1024)} MB 的上限，请拆分后分批导入。")
    if not data:
        raise ImportRefused(f"文件“{name}”是空文件。")
    if ext in {".xlsx", ".docx"}:
        return _check_package(name, ext, data)
    if ext == ".xls" and not data.startswith(OLE_MAGIC):
        if data.startswith(ZIP_MAGIC):
            return ".xlsx"
        raise ImportRefused(f"“{name}”已损坏或不是有效的 .xls 工作簿。")
    return ext


def read(name: str, data: bytes, *, max_bytes: int) -> Workbook:
    ext = check_file(name, data, max_bytes=max_bytes)
    if ext == ".xlsx":
        return read_xlsx(name, data)
    if ext == ".xls":
        return read_xls(name, data)
    if ext == ".csv":
        return read_csv(name, data)
    return read_docx(name, data)


# ---- .xlsx ------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL_OPEN = re.compile(rb'<c\s[^>]*?r="([A-Z]+)(\d+)"')
_CACHED = re.compile(rb"<v>[^<]+</v>|<is>")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_xml_facts(xml: bytes) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """Merged ranges (rows and columns 1-based, inclusive) and formula cells without a cached value, read from
    the sheet's XML: one pass over the text instead of loading the workbook a second time with formulas."""
    merges = []
    for m in _MERGE.finditer(xml):
        c1, r1 = _col_index(m.group(1)), int(m.group(2))
        c2, r2 = (_col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        merges.append((r1, r2, c1, c2))
    uncached: dict[tuple[int, int], str] = {}
    pos = xml.find(b"<f", 0)
    while pos >= 0:
        if xml[pos + 2 : pos + 3] in (b">", b" ", b"/"):
            start = xml.rfind(b"<c ", 0, pos)
            end = xml.find(b"</c>", pos)
            cell = _CELL_OPEN.match(xml, start) if start >= 0 else None
            if cell and end >= 0 and not _CACHED.search(xml, pos, end):
                ref = (cell.group(1) + cell.group(2)).decode()
                uncached[(int(cell.group(2)), _col_index(cell.group(1)) - 1)] = ref
        pos = xml.find(b"<f", pos + 2)
    return merges, uncached


_HIDDEN_ROW = re.compile(rb'<row\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN_COLUMNS = re.compile(rb'<col\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_COLUMN_SPAN = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')


def _hidden(xml: bytes) -> tuple[set[int], set[int]]:
    """Row numbers and column numbers (1-based) the sheet hides: what the reader of the sheet never sees."""
    rows = set()
    for m in _HIDDEN_ROW.finditer(xml):
        number = _ROW_NUMBER.search(m.group(0))
        if number:
            rows.add(int(number.group(1)))
    columns: set[int] = set()
    for m in _HIDDEN_COLUMNS.finditer(xml):
        span = _COLUMN_SPAN.search(m.group(0))
        if span:
            low, high = (span.group(1), span.group(2)) if span.group(1) else (span.group(4), span.group(3))
            columns.update(range(int(low), min(int(high), 1000) + 1))
    return rows, columns


def _fill_merges(rows: list[list[Any]], merges: list[tuple[int, int, int, int]], width: int) -> None:
    for r1, r2, c1, c2 in merges:
        if r1 - 1 >= len(rows) or c1 - 1 >= width:
            continue
        top = rows[r1 - 1][c1 - 1]
        for rr in range(r1, min(r2, len(rows)) + 1):
            for cc in range(c1, min(c2, width) + 1):
                rows[rr - 1][cc - 1] = top


def read_xlsx(name: str, data: bytes) -> Workbook:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        archive = zipfile.ZipFile(io.BytesIO(data))
        grids: list[Grid] = []
        for ws in book.worksheets:
            ws.reset_dimensions()  # some writers store a wrong <dimension>; read every row there is
            rows: list[list[Any]] = [[_plain(v) for v in r] for r in ws.iter_rows(values_only=True)]
            xml = archive.read(ws._worksheet_path.lstrip("/"))  # type: ignore[union-attr]
            merges, uncached = _sheet_xml_facts(xml)
            hidden_rows, hidden_columns = _hidden(xml)
            width = max((len(r) for r in rows), default=0)
            for row in rows:
                if len(row) < width:
                    row.extend([None] * (width - len(row)))
            _fill_merges(rows, merges, width)
            for row in rows:  # a hidden column is read as empty: its letter still names the columns after it
                for cc in hidden_columns:
                    if cc <= width:
                        row[cc - 1] = None
            grids.append(
                Grid(
                    label=f"工作表“{ws.title}”",
                    rows=[(n, row) for n, row in enumerate(rows, start=1) if n not in hidden_rows],
                    column_letters=True,
                    uncached_formulas=uncached,
                    sheet=ws.title,
                )
            )
        book.close()
    except ImportRefused:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportRefused(f"“{name}”已损坏或不是有效的 Excel 工作簿，无法读取。") from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed XML
        raise ImportRefused(f"“{name}”已损坏或不是有效的 Excel 工作簿，无法读取。") from exc
    return Workbook(grids=grids)


# ---- .xls -------------------------------------------------------------------------------------------


def read_xls(name: str, data: bytes) -> Workbook:
    book = _open_xls(name, data)
    grids = []
    for sheet in book.sheets():
        rows = [_xls_row(sheet, rx, book.datemode) for rx in range(sheet.nrows)]
        _fill_xls_merges(rows, sheet.merged_cells)
        grids.append(
            Grid(
                label=f"工作表“{sheet.name}”",
                rows=[(i, row) for i, row in enumerate(rows, start=1)],
                column_letters=True,
                sheet=sheet.name,
            )
        )
    return Workbook(grids=grids)


def _open_xls(name: str, data: bytes) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ImportRefused(f"“{name}”设置了打开密码，无法读取。请取消密码保护后重新上传。") from exc
        raise ImportRefused(f"“{name}”已损坏或不是有效的 .xls 工作簿，无法读取。") from exc
    except Exception as exc:
        raise ImportRefused(f"“{name}”已损坏或不是有效的 .xls 工作簿，无法读取。") from exc


def _xls_row(sheet: Any, rx: int, datemode: int) -> list[Any]:
    """One row's values as the other readers give them: dates as datetimes, blanks and errors as None."""
    import xlrd

    values: list[Any] = []
    for cx in range(sheet.ncols):
        cell = sheet.cell(rx, cx)
        if cell.ctype == xlrd.XL_CELL_DATE:
            values.append(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
        elif cell.ctype == xlrd.XL_CELL_NUMBER:
            values.append(_plain(cell.value))
        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            values.append(None)
        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
            values.append(bool(cell.value))
        else:
            values.append(cell.value)
    return values


def _fill_xls_merges(rows: list[list[Any]], merged_cells: list[tuple[int, int, int, int]]) -> None:
    for r1, r2, c1, c2 in merged_cells:  # half-open ranges
        top = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else None
        for rr in range(r1, min(r2, len(rows))):
            for cc in range(c1, min(c2, len(rows[rr]))):
                rows[rr][cc] = top


# ---- .csv -------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 — detected, never guessed from the name."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_16"]).best()
    encoding = best.encoding if best is not None else "gb18030"
    if encoding in {"gbk", "gb2312", "cp936"}:
        encoding = "gb18030"  # a superset: never fails on a rare character GBK lacks
    return data.decode(encoding, errors="replace")


def read_csv(name: str, data: bytes) -> Workbook:
    text = decode_text(data)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [(i, [c if c != "" else None for c in row]) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ImportRefused(f"“{name}”不是有效的 CSV 文件：{exc}") from exc
    return Workbook(grids=[Grid(label="CSV 文件", rows=rows, relative_numbering=True)])


# ---- .docx ------------------------------------------------------------------------------------------

# The note closing a paragraph, in any bracket plans use: "（牵头单位：…；责任单位：…）", "〔牵头单位：…〕", or the
# roles in words: "（市政府办公室牵头，市级各有关部门按职责分工负责）". A bracket inside the note ("各街道（功能区）")
# is allowed one level deep.
_NOTE_TEXT = r"(?:[^（()）〔〕\[\]]|[（(][^（()）]*[）)])*"
INLINE = re.compile(
    r"^(?P<body>.*?)[（(〔\[](?P<note>"
    + _NOTE_TEXT
    + r"(?:(?:牵头单位|责任单位|配合单位|牵头部门|责任部门)[:：]|牵头[，,；;]|按职责分工负责|牵头负责)"
    + _NOTE_TEXT
    + r")[）)〕\]]\s*[。；;]?\s*$"
)
HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分|（[一二三四五六七八九十]+）)"
)


def read_docx(name: str, data: bytes) -> Workbook:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ImportRefused(f"“{name}”已损坏或不是有效的 Word 文件，无法读取。") from exc
    grids = []
    for t, table in enumerate(document.tables, start=1):
        rows = []
        for i, row in enumerate(table.rows, start=1):
            rows.append((i, [cell.text.strip() or None for cell in row.cells]))
        grids.append(Grid(label=f"表格{t}", rows=rows, relative_numbering=True, number=t))
    inline: list[InlineItem] = []
    heading = ""
    title = ""
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()
        if not text:
            continue
        if not title and len(text) <= 80:
            title = text
        m = INLINE.match(text)
        if m and m.group("body").strip():
            inline.append(InlineItem(number, m.group("body").strip(), m.group("note"), heading))
        elif HEADING.match(text) and len(text) <= 40:
            heading = text
    return Workbook(grids=grids, inline=inline, title_hint=title)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
