"""The bulletin's .docx read back: GB/T 9704-2012 page, margins, fonts, sizes, grid, numbering."""

import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn

from yingshang.assessment.official_docx import (
    OfficialDocument,
    Section,
    Table,
    chinese_number,
    document_number,
    render,
    written_date,
)


def sample(sections: int = 3, paragraphs: int = 3) -> OfficialDocument:
    return OfficialDocument(
        issuer_mark="示例市优化营商环境工作办公室",
        number=document_number("示营商办", 2026, 5),
        title="关于2026年第三季度全市优化营商环境工作考核情况的通报",
        recipients="各区县人民政府，市直各部门",
        opening=["为压实工作责任，现将考核情况通报如下。"],
        sections=[
            Section(
                heading=f"第{i}部分",
                paragraphs=["各部门认真落实175项政策措施，推动企业诉求按时办结。" * 3] * paragraphs,
                subsections=[("主要做法", ["做法一。", "做法二。"])],
                table=Table(
                    ["排名", "单位", "得分"], [["1", "市发改委", "95.20"], ["2", "市税务局", "93.10"]]
                ),
            )
            for i in range(1, sections + 1)
        ],
        issuer="示例市优化营商环境工作办公室",
        issued_on=date(2026, 11, 27),
    )


def read(document: OfficialDocument):
    return Document(BytesIO(render(document)))


def east_asia(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraph_with(doc, text: str):
    return next(p for p in doc.paragraphs if p.text.startswith(text))


def test_page_is_a4_with_gb9704_margins():
    section = read(sample()).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [37, 35, 28, 26]
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156


def test_line_grid_is_22_lines_of_28_characters():
    grid = read(sample()).sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch_mm = int(grid.get(qn("w:linePitch"))) / 20 / 72 * 25.4
    assert round(225 / line_pitch_mm) == 22
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert round(156 / (char_pitch_pt / 72 * 25.4)) == 28


def test_title_body_and_heading_fonts():
    doc = read(sample())
    title = paragraph_with(doc, "关于2026年第三季度")
    assert title.alignment == 1  # centred
    assert (east_asia(title.runs[0]), title.runs[0].font.size.pt) == ("方正小标宋简体", 22)
    body = paragraph_with(doc, "各部门认真落实")
    assert (east_asia(body.runs[0]), body.runs[0].font.size.pt) == ("仿宋_GB2312", 16)
    first = paragraph_with(doc, "一、")
    assert (east_asia(first.runs[0]), first.runs[0].font.size.pt) == ("黑体", 16)
    second = paragraph_with(doc, "（一）")
    assert (east_asia(second.runs[0]), second.runs[0].font.size.pt) == ("楷体_GB2312", 16)
    third = paragraph_with(doc, "1. ")
    assert (east_asia(third.runs[0]), third.runs[0].font.size.pt) == ("仿宋_GB2312", 16)


def test_document_number_and_date_formats():
    doc = read(sample())
    assert paragraph_with(doc, "示营商办").text == "示营商办〔2026〕5号"
    assert any(p.text == "2026年11月27日" for p in doc.paragraphs)
    assert document_number("示营商办", 2026, 12) == "示营商办〔2026〕12号"
    assert written_date(date(2026, 1, 5)) == "2026年1月5日"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    assert [chinese_number(n) for n in (100, 105, 110, 115, 123, 150)] == [
        "一百",
        "一百零五",
        "一百一十",
        "一百一十五",
        "一百二十三",
        "一百五十",
    ]


def test_page_numbers_odd_right_even_left_in_songti_14pt():
    doc = read(sample())
    assert doc.settings.odd_and_even_pages_header_footer is True
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left
    for p in (odd, even):
        assert p.text == "— 1 —"
        assert {east_asia(r) for r in p.runs} == {"宋体"}
        assert {r.font.size.pt for r in p.runs} == {14}
        assert " PAGE " in p._element.xml


@pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice not installed (apt-get install libreoffice-writer)"
)
def test_libreoffice_renders_a_sane_number_of_a4_pages(tmp_path):
    path = tmp_path / "bulletin.docx"
    path.write_bytes(render(sample(sections=6, paragraphs=4)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "bulletin.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 2 <= pages <= 8
    assert b"/MediaBox [0 0 595" in pdf
