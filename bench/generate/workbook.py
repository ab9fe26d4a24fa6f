"""A generated task-division workbook as offices send them: a title row, a merged category column, several
units per cell, deadlines in words. The import benchmark reads it, and the ledger's bulk-import tests too."""

from __future__ import annotations

import io

DEADLINES = [
    "2026年6月底前",
    "2026年12月",
    "年底前",
    "持续推进",
    "每季度",
    "2026-09-30",
    "2026年10月底前",
    "长期坚持",
]
CATEGORIES = ["政务环境", "市场环境", "法治环境", "城市/人文环境", "干事环境"]


def build_workbook(rows: int, departments: list[str]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws.append(["示例市2026年优化营商环境重点任务分工方案"])
    ws.append(["类别", "序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.merge_cells("A1:F1")
    per_category = rows // len(CATEGORIES) or 1
    n = len(departments)
    for i in range(rows):
        category = CATEGORIES[min(i // per_category, len(CATEGORIES) - 1)] if i % per_category == 0 else None
        lead = departments[i % n]
        co = "、".join(departments[(i + k) % n] for k in (7, 19, 31)[: 1 + i % 3])
        ws.append(
            [
                category,
                i + 1,
                f"第{i + 1}项重点任务：深化“放管服”改革，压缩办理时限，提升企业和群众办事便利度（批次{i // 100}）。",
                lead if i % 5 else f"{lead}牵头，{departments[(i + 3) % n]}",
                co + ("，各有关单位" if i % 4 == 0 else ""),
                DEADLINES[i % len(DEADLINES)],
            ]
        )
    for c in range(len(CATEGORIES)):
        first = 3 + c * per_category
        last = 2 + rows if c == len(CATEGORIES) - 1 else first + per_category - 1
        if last > first:
            ws.merge_cells(f"A{first}:A{last}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
