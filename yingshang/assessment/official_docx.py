"""Official documents in the GB/T 9704-2012 format (党政机关公文格式) with python-docx.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm); body 3号 (16 pt)
仿宋_GB2312 on a 22-line × 28-character grid; title 2号 (22 pt) 方正小标宋简体 centred; headings "一、" 黑体,
"（一）" 楷体_GB2312, "1." 仿宋_GB2312; page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages right and
even pages left. Word and WPS read the East Asian font from `w:eastAsia`, so every run sets it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小4号, usual for tables inside official documents
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
# 225 mm / 22 lines = 28.95 pt per line = 579 twentieths of a point.
LINE_PITCH_TWIPS = round(TEXT_HEIGHT_MM / LINES_PER_PAGE / 25.4 * 72 * 20)
# Character pitch 156 mm / 28 = 15.79 pt; Word stores the difference from the font size in 1/4096 pt.
CHAR_SPACE = round((TEXT_WIDTH_MM / CHARS_PER_LINE / 25.4 * 72 - BODY_PT) * 4096)
RED = RGBColor(0xD0, 0x00, 0x00)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    heading: str  # "一、总体情况" — numbered by the writer, given here without the number
    paragraphs: list[str] = field(default_factory=list)
    subsections: list[tuple[str, list[str]]] = field(default_factory=list)  # ("（一）…" heading, paragraphs)
    table: Table | None = None


@dataclass
class OfficialDocument:
    issuer_mark: str  # 发文机关标志, e.g. "示例市优化营商环境工作办公室"
    number: str  # 发文字号, e.g. "示营商办〔2026〕5号"
    title: str
    recipients: str  # 主送机关
    sections: list[Section]
    issuer: str  # 发文机关署名
    issued_on: date
    opening: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # label/value rows after the opening (通知单)
    closing: list[str] = field(default_factory=list)
    attachments_note: str = ""


CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (up to 999)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return CHINESE_NUMERALS[hundreds] + "百"
    if rest < 10:
        return CHINESE_NUMERALS[hundreds] + "百零" + CHINESE_NUMERALS[rest]
    tail = chinese_number(rest)
    return CHINESE_NUMERALS[hundreds] + "百" + ("一" + tail if rest < 20 else tail)


def document_number(prefix: str, year: int, serial: int) -> str:
    """发文字号: hexagonal brackets 〔〕 around the year, serial without leading zeros."""
    return f"{prefix}〔{year}〕{int(serial)}号"


def written_date(d: date) -> str:
    """成文日期 in Arabic numerals without leading zeros: 2026年11月27日."""
    return f"{d.year}年{d.month}月{d.day}日"


def _set_run_font(
    run, east_asia: str, size_pt: float, *, bold: bool = False, color: RGBColor | None = None
) -> None:
    run.font.size = Pt(size_pt)
    run.font.name = LATIN
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _paragraph(
    doc,
    text: str,
    *,
    font: str = FANGSONG,
    size: float = BODY_PT,
    align=None,
    indent: bool = True,
    bold: bool = False,
    color: RGBColor | None = None,
):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    _set_run_font(run, font, size, bold=bold, color=color)
    return p


def _page_setup(section) -> None:
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.footer_distance = Mm(28 - 7)  # page number sits 7 mm below the text block
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _page_number_paragraph(footer, align) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    p.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT) if align == WD_ALIGN_PARAGRAPH.LEFT else None
    p.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
    _set_run_font(p.add_run("— "), SONGTI, PAGE_NUMBER_PT)
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = p.add_run()
        _set_run_font(run, SONGTI, PAGE_NUMBER_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        elif kind == "text":
            run.text = text
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
    _set_run_font(p.add_run(" —"), SONGTI, PAGE_NUMBER_PT)


def _red_rule(paragraph) -> None:
    p_pr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "D00000")
    borders.append(bottom)
    p_pr.append(borders)


def _facts(doc, rows: list[tuple[str, str]]) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = t.add_row().cells
        for cell, text, font in ((cells[0], label, HEITI), (cells[1], value, FANGSONG)):
            cell.text = ""
            _set_run_font(cell.paragraphs[0].add_run(text), font, TABLE_PT)
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc, table: Table) -> None:
    t = doc.add_table(rows=1, cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(run, HEITI, TABLE_PT)
    for row in table.rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_font(run, FANGSONG, TABLE_PT)


def render(document: OfficialDocument) -> bytes:
    doc = Document()
    _page_setup(doc.sections[0])
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number_paragraph(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_paragraph(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    # 版头: issuer mark in red, the document number, a red rule.
    _paragraph(
        doc,
        document.issuer_mark,
        font=XIAOBIAOSONG,
        size=26,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=RED,
    )
    _paragraph(doc, "", indent=False)
    number = _paragraph(doc, document.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _red_rule(number)
    _paragraph(doc, "", indent=False)
    # 主体
    _paragraph(
        doc, document.title, font=XIAOBIAOSONG, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(doc, "", indent=False)
    _paragraph(doc, f"{document.recipients}：", indent=False)
    for text in document.opening:
        _paragraph(doc, text)
    if document.facts:
        _facts(doc, document.facts)
    for i, sec in enumerate(document.sections, start=1):
        _paragraph(doc, f"{chinese_number(i)}、{sec.heading}", font=HEITI)
        for text in sec.paragraphs:
            _paragraph(doc, text)
        for j, (sub_heading, paragraphs) in enumerate(sec.subsections, start=1):
            _paragraph(doc, f"（{chinese_number(j)}）{sub_heading}", font=KAITI)
            for k, text in enumerate(paragraphs, start=1):
                _paragraph(doc, f"{k}. {text}" if len(paragraphs) > 1 else text)
        if sec.table is not None:
            _table(doc, sec.table)
    for text in document.closing:
        _paragraph(doc, text)
    if document.attachments_note:
        _paragraph(doc, "", indent=False)
        _paragraph(doc, f"附件：{document.attachments_note}")
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "", indent=False)
    # 发文机关署名 and 成文日期, right-aligned with 4 characters of right indent (GB/T 9704 7.3.5.1).
    for text in (document.issuer, written_date(document.issued_on)):
        p = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(BODY_PT * 4)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
