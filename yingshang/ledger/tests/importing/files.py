"""Builders of import files for tests: workbooks, CSV and Word documents made here, modelled on real plans."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

import docx
import openpyxl


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    cached: dict[str, Any] | None = None,
    sheet: str = "任务分工",
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> bytes:
    """A workbook with `rows` from A1. `cached` gives formula cells ({"A3": 1}) the cached value Excel would
    have stored; openpyxl itself never writes one, so without it a formula has no cached value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for name, other in (extra_sheets or {}).items():
        extra = wb.create_sheet(name, 0)
        for row in other:
            extra.append(list(row))
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if cached:
        data = _with_cached_values(data, cached, sheet_index=len(extra_sheets or {}) + 1)
    return data


def _with_cached_values(data: bytes, cached: dict[str, Any], sheet_index: int) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    target = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == target:
                text = content.decode()
                for ref, value in cached.items():
                    text, n = re.subn(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                        lambda m, v=value: f"{m.group(1)}{m.group(2)}<v>{v}</v>",
                        text,
                    )
                    assert n == 1, ref
                content = text.encode()
            dst.writestr(item, content)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def docx_table(
    rows: Sequence[Sequence[Any]],
    *,
    title: str = "",
    vertical_merges: Sequence[tuple[int, int, int]] = (),
    paragraphs_after: Sequence[str] = (),
) -> bytes:
    """A Word document: an optional title paragraph, one table, optional paragraphs. `vertical_merges` are
    (column, first row, last row), 0-based, merged the way Word merges (the text stays in the top cell)."""
    document = docx.Document()
    if title:
        document.add_paragraph(title)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = "" if value is None else str(value)
    for col, first, last in vertical_merges:
        for i in range(first + 1, last + 1):
            table.cell(i, col).text = ""
        table.cell(first, col).merge(table.cell(last, col))
        # python-docx joins the texts of merged cells; keep only the top one, as Word shows it.
        top = table.cell(first, col)
        text = top.text.strip()
        for paragraph in top.paragraphs[1:]:
            paragraph._element.getparent().remove(paragraph._element)
        top.paragraphs[0].text = text
    for text in paragraphs_after:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_paragraphs(paragraphs: Sequence[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsm_like() -> bytes:
    """An .xlsx whose package carries a VBA project, as a macro workbook renamed to .xlsx would."""
    base = xlsx([["序号", "重点任务", "牵头单位"]])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def encrypted_ooxml() -> bytes:
    """The first bytes of a password-protected Office file: an OLE container with an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64 + "EncryptionInfo".encode("utf-16-le")
    return header + directory + b"\x00" * 1024


# ---- .xls (BIFF8 in an OLE compound file), written by hand: no .xls writer is installed ---------------

_XLS_DATE_XF = 16  # the cell XF after the 16 style XFs, with built-in number format 14 (a date)


def _record(rtype: int, payload: bytes) -> bytes:
    import struct

    return struct.pack("<HH", rtype, len(payload)) + payload


def _biff_string16(text: str) -> bytes:
    import struct

    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def xls(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[tuple[int, int, int, int]] = (),
    sheet: str = "Sheet1",
    encrypted: bool = False,
) -> bytes:
    """A real .xls workbook (BIFF8): strings, numbers, dates (datetime.date) and merged ranges given as
    (first row, last row, first col, last col), 0-based and inclusive."""
    import datetime as _dt
    import struct

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    font = _record(
        0x0031,
        struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0)
        + bytes([5, 1])
        + "Arial".encode("utf-16-le"),
    )

    def xf(fmt: int, style: bool) -> bytes:
        attrs = 0xFFF5 if style else 0x0001
        return _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, attrs, 0x20, 0, 0, 0, 0, 0, 0x20C0))

    globals_head = bof(0x0005)
    if encrypted:  # a FILEPASS record: what Excel writes when a workbook has an open password
        globals_head += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48)
    globals_head += _record(0x0042, struct.pack("<H", 1200)) + _record(0x0022, struct.pack("<H", 0))
    globals_head += font * 5
    globals_head += b"".join(xf(0, True) for _ in range(16)) + xf(0, False) + xf(14, False)
    name = sheet.encode("utf-16-le")
    boundsheet_len = 4 + 4 + 2 + 2 + len(name)
    globals_size = len(globals_head) + boundsheet_len + 4  # + EOF
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, _dt.date):
                serial = (value - _dt.date(1899, 12, 30)).days
                cells += _record(0x0203, struct.pack("<HHHd", r, c, _XLS_DATE_XF + 1, float(serial)))
            elif isinstance(value, (int, float)):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, _XLS_DATE_XF, float(value)))
            else:
                cells += _record(0x0204, struct.pack("<HHH", r, c, _XLS_DATE_XF) + _biff_string16(str(value)))
    ncols = max((len(r) for r in rows), default=0)
    sheet_stream = bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0)) + cells
    if merges:
        sheet_stream += _record(
            0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges)
        )
    sheet_stream += _record(0x000A, b"")
    boundsheet = _record(0x0085, struct.pack("<IBBBB", globals_size, 0, 0, len(sheet), 1) + name)
    stream = globals_head + boundsheet + _record(0x000A, b"") + sheet_stream
    stream += b"\x00" * max(0, 4096 - len(stream))
    return _compound_file({"Workbook": stream})


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding streams of 4096 bytes or more."""
    import struct

    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    data_sectors: list[bytes] = []
    fat: list[int] = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for content in streams.values():
        padded = content + b"\x00" * (-len(content) % 512)
        first = 2 + len(data_sectors)
        count = len(padded) // 512
        starts.append(first)
        for i in range(count):
            data_sectors.append(padded[i * 512 : (i + 1) * 512])
            fat.append(first + i + 1 if i < count - 1 else end)
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<II", start, size)
            + struct.pack("<I", 0)
        )

    entries = entry("Root Entry", 5, 1, end, 0)
    for (name, content), start in zip(streams.items(), starts, strict=True):
        entries += entry(name, 2, free, start, len(content))
    while len(entries) % 512:
        entries += entry("", 0, free, 0, 0)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == 512, len(header)
    return header + struct.pack("<128I", *fat) + entries + b"".join(data_sectors)
