"""Excel exports: every list page exports what is on screen through `xlsx_response`. Each file carries
the exporting user and time in its document properties and a footer line, and is audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yingshang.audit.events import record as audit_record

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_SHEET_ROWS = 1_048_576


def exporter_line(user: Any) -> str:
    who = getattr(user, "real_name", "") or getattr(user, "username", "")
    return f"导出人：{who}　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"


def build_workbook(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    user: Any,
    widths: Sequence[int] = (),
) -> tuple[bytes, int]:
    """(xlsx bytes, number of data rows): a title row, a header row, the rows, then the exporter footer."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append([_cell(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_cell(h) for h in headers])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    count = 0
    for row in rows:
        ws.append([_cell(v) for v in row])
        # Text typed by the public ("=HYPERLINK(...)") must reach the office as text, never as a formula.
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
        count += 1
    ws.append([])
    ws.append([exporter_line(user)])
    for i, width in enumerate(widths or [16] * len(headers), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    wb.properties.creator = getattr(user, "username", "")
    wb.properties.lastModifiedBy = getattr(user, "username", "")
    wb.properties.created = timezone.now().replace(tzinfo=None)
    wb.properties.title = title
    wb.properties.description = exporter_line(user)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, list | tuple | set):
        value = "、".join(str(v) for v in value)
    if isinstance(value, str):
        # Control characters stored before the door cleaned them (or from imports) are invalid in XML:
        # openpyxl would refuse the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    user: Any,
    audit_action: str,
    filters: dict[str, Any] | None = None,
    widths: Sequence[int] = (),
) -> HttpResponse:
    content, count = build_workbook(title=title, headers=headers, rows=rows, user=user, widths=widths)
    audit_record(
        actor=user, action=audit_action, after={"rows": count, "filters": filters or {}}, detail=title
    )
    return file_response(content, filename, XLSX_TYPE)


def file_response(content: bytes, filename: str, content_type: str = DOCX_TYPE) -> HttpResponse:
    """A generated file as a download, its Chinese name kept (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
