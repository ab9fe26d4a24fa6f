"""Hotline export files (.xlsx / .csv): read the table, guess the column mapping for the preview, then
hand the mapped rows to `services.appeals_import` (all or nothing)."""

from __future__ import annotations

import csv
import io
from typing import Any

from yingshang.core.errors import ValidationFailed
from yingshang.core.uploads import check_archive

MAX_ROWS = 5000
# Target field -> (Chinese name, header words that suggest it)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "external_id": ("工单编号", ("工单编号", "工单号", "编号", "流水号")),
    "received_at": ("受理时间", ("受理时间", "来电时间", "登记时间", "时间")),
    "enterprise_name": ("企业名称", ("企业名称", "单位名称", "企业")),
    "credit_code": ("统一社会信用代码", ("信用代码", "统一社会信用代码")),
    "contact_name": ("联系人", ("联系人", "来电人", "姓名")),
    "contact_phone": ("联系电话", ("联系电话", "来电号码", "电话", "手机")),
    "category": ("诉求类型", ("诉求类型", "类型", "类别")),
    "title": ("标题", ("标题", "主题")),
    "description": ("诉求内容", ("诉求内容", "内容", "来电内容", "问题描述")),
}
REQUIRED = ("external_id", "enterprise_name", "contact_name", "contact_phone", "category", "description")


def read_table(uploaded: Any) -> tuple[list[str], list[list[str]]]:
    """(headers, rows as lists of strings) from an .xlsx or .csv upload."""
    name = (getattr(uploaded, "name", "") or "").lower()
    raw = uploaded.read()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed(
                "无法识别 CSV 文件的编码，请另存为 UTF-8。",
                code="appeals.hotline_file_unreadable",
                fields={"file": ["编码无法识别。"]},
            )
        table = [list(row) for row in csv.reader(io.StringIO(text))]
    elif name.endswith(".xlsx"):
        if not raw.startswith(b"PK\x03\x04"):
            raise ValidationFailed(
                "文件内容不是有效的 .xlsx 表格。",
                code="appeals.hotline_file_unreadable",
                fields={"file": ["文件内容与类型不符。"]},
            )
        check_archive(name, raw)
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        ws = wb.active
        table = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        raise ValidationFailed(
            "请上传 .xlsx 或 .csv 格式的热线导出文件。",
            code="appeals.hotline_file_type",
            fields={"file": ["文件类型不支持。"]},
        )
    table = [row for row in table if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise ValidationFailed(
            "文件中没有数据行。", code="appeals.hotline_file_empty", fields={"file": ["没有数据。"]}
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationFailed(
            f"单次最多导入 {MAX_ROWS} 行，请拆分文件。",
            code="appeals.hotline_file_too_long",
            fields={"file": ["行数过多。"]},
        )
    headers = [h.strip() for h in table[0]]
    rows = [[(row[i] if i < len(row) else "").strip() for i in range(len(headers))] for row in table[1:]]
    return headers, rows


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Field -> column index, by the first header word that matches; None when nothing matches."""
    mapping: dict[str, int | None] = {}
    used: set[int] = set()
    for field, (_label, words) in FIELDS.items():
        mapping[field] = None
        for word in words:
            hit = next((i for i, h in enumerate(headers) if word in h and i not in used), None)
            if hit is not None:
                mapping[field] = hit
                used.add(hit)
                break
    return mapping


def mapped_rows(rows: list[list[str]], mapping: dict[str, int | None]) -> list[dict[str, str]]:
    missing = [FIELDS[f][0] for f in REQUIRED if mapping.get(f) is None]
    if missing:
        raise ValidationFailed(
            f"请为以下字段选择对应的列：{'、'.join(missing)}。",
            code="appeals.hotline_mapping_incomplete",
            fields={"mapping": missing},
        )
    return [
        {f: (row[i] if i is not None and i < len(row) else "") for f, i in mapping.items()} for row in rows
    ]
