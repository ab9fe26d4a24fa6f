"""The bulletin of a frozen period read back from its .docx and .xlsx."""

from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from freezegun import freeze_time
from openpyxl import load_workbook

from yingshang.assessment import bulletin as b
from yingshang.assessment import services
from yingshang.assessment.models import Bulletin
from yingshang.core.errors import TransitionRefused


def east_asia(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.fixture
def frozen(world, computed):
    with freeze_time("2026-10-11 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    return computed


def test_bulletin_of_a_draft_is_refused(world, computed):
    with pytest.raises(TransitionRefused):
        b.generate(actor=world["office"], run=computed)
    assert not Bulletin.objects.exists()


def test_bulletin_docx_reads_back_with_number_sections_and_format(world, frozen):
    services.bulletin_save(
        actor=world["office"],
        run=frozen,
        title="关于2026年第三季度全市优化营商环境工作考核情况的通报",
        sections={"requirements": "各单位要对照排名查找差距。\n黑榜单位十个工作日内报送整改方案。"},
    )
    with freeze_time("2026-10-20 09:00:00"):
        bulletin, docx, xlsx = b.generate(actor=world["office"], run=frozen)
    assert bulletin.number == "示营商办〔2026〕1号"
    doc = Document(BytesIO(docx))
    texts = [p.text for p in doc.paragraphs]
    assert "示营商办〔2026〕1号" in texts
    assert "2026年10月20日" in texts
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [37, 35, 28, 26]
    title = next(p for p in doc.paragraphs if p.text.startswith("关于2026年第三季度"))
    assert (east_asia(title.runs[0]), title.runs[0].font.size.pt) == ("方正小标宋简体", 22)
    headings = [
        p.text for p in doc.paragraphs if p.text[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}
    ]
    assert headings == [
        "一、总体情况",
        "二、考核排名",
        "三、红黑榜",
        "四、逾期未完成任务",
        "五、典型案例通报",
        "六、下一阶段工作要求",
    ]
    heading = next(p for p in doc.paragraphs if p.text == "三、红黑榜")
    assert east_asia(heading.runs[0]) == "黑体"
    sub = next(p for p in doc.paragraphs if p.text.startswith("（一）市直部门红榜"))
    assert east_asia(sub.runs[0]) == "楷体_GB2312"
    # Office-edited text replaces the default; the overdue task of B is named with its department.
    assert "黑榜单位十个工作日内报送整改方案。" in texts
    assert any(t.startswith("（一）示例市乙局") for t in texts)
    # The ranking table carries every department, the no-data one marked as such.
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0] == ["分组", "名次", "单位", "得分"]
    assert ["市直部门", "1", "示例市甲局", "100.00"] in cells
    assert ["市直部门", "—", "示例市丁局", "无数据"] in cells
    book = load_workbook(BytesIO(xlsx))
    assert book.sheetnames == ["考核排名", "红黑榜", "逾期未完成任务", "典型案例"]
    ranking = list(book["考核排名"].iter_rows(values_only=True))
    assert ranking[1][:4] == ("分组", "名次", "单位", "总分")
    assert ranking[[r[2] for r in ranking].index("示例市乙局")][:4] == ("市直部门", 3, "示例市乙局", 20)


def test_number_is_allocated_once_and_serially_per_year(world, frozen):
    with freeze_time("2026-10-20 09:00:00"):
        first, _, _ = b.generate(actor=world["office"], run=frozen)
        again, _, _ = b.generate(actor=world["office"], run=frozen)
        services.run_transition(actor=world["office"], run=frozen, action="start_publicity")
        other = services.run_compute(actor=world["office"], period="2026-09", indicator_set=world["set"])
        services.run_transition(actor=world["office"], run=other, action="freeze")
        second, _, _ = b.generate(actor=world["office"], run=other)
    assert (first.number, again.number, second.number) == (
        "示营商办〔2026〕1号",
        "示营商办〔2026〕1号",
        "示营商办〔2026〕2号",
    )
