"""The printable supervision notice (督办通知单), a .docx made with python-docx."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .models import SupervisionOrder

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"


def _run(paragraph, text: str, *, size: float = 16, font: str = FONT_BODY, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def order_notice(order: SupervisionOrder) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.top_margin = Pt(37 * 2.835)
    section.bottom_margin = Pt(35 * 2.835)
    section.left_margin = Pt(28 * 2.835)
    section.right_margin = Pt(26 * 2.835)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(head, "示例市优化营商环境工作办公室", size=22, font=FONT_TITLE, color=RGBColor(0xC0, 0x00, 0x00))
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(number, order.number)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "督 办 通 知 单", size=22, font=FONT_TITLE)

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [
        ("督办编号", order.number),
        ("督办级别", order.get_level_display()),
        ("责任单位", order.department.name),
        ("督办事项", order.target_label),
        ("督办要求", order.requirement),
        ("答复时限", f"{order.reply_deadline:%Y年%m月%d日}前"),
        ("下发时间", f"{timezone.localtime(order.issued_at):%Y年%m月%d日}"),
    ]
    if order.previous_id:
        rows.append(("原督办单", order.previous.number if order.previous else ""))
    for label, value in rows:
        cells = table.add_row().cells
        _run(cells[0].paragraphs[0], label, size=14, bold=True)
        _run(cells[1].paragraphs[0], value, size=14)

    doc.add_paragraph()
    body = doc.add_paragraph()
    _run(
        body,
        "请你单位接到本通知后及时签收，按督办要求抓好落实，并在答复时限内通过营商环境闭环管理平台书面答复办理情况。"
        "逾期未答复的，将按规定催办并纳入营商环境考核。",
    )
    body.paragraph_format.first_line_indent = Pt(32)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(sign, f"示例市优化营商环境工作办公室\n{timezone.localtime(order.issued_at):%Y年%m月%d日}")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
