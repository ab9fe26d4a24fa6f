"""Layouts plans are published in: Word tables with merged group cells and a title row inside the table,
section heading rows, header rows repeated on a new page, Excel date cells and serial numbers, inline notes."""

import datetime

import pytest

from yingshang.ledger.importing.services import ledger_import, parse_file

from . import files


@pytest.fixture
def units(db, make_department):
    make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")
    make_department("示例市财政局", short_name="市财政局", code="CZJ")
    make_department("示例市市场监督管理局", short_name="市市场监管局", aliases=["市场监管局"], code="SCJ")


def parsed(name, data, **kw):
    return ledger_import(actor=None, name=name, data=data, dry_run=True, **kw).result


def test_docx_table_with_title_row_merged_group_cells_and_a_repeated_header(units):
    rows = [
        ["示例市2026年优化营商环境重点任务分工", None, None, None, None],
        ["维度", "序号", "任务内容", "责任单位", "完成时间"],
        ["政务环境", "1", "任务甲", "市发改委牵头，市财政局按职责分工负责", "2026年6月"],
        [None, "2", "任务乙", "市财政局、市场监管局按职责分工负责", "长期坚持"],
        ["维度", "序号", "任务内容", "责任单位", "完成时间"],
        ["市场环境", "3", "任务丙", "市场监管局", "2026-09-30"],
    ]
    data = files.docx_table(rows, vertical_merges=[(0, 2, 3)])
    result = parsed("方案.docx", data)
    assert [
        (r.row, r.seq, r.category, [u.written for u in r.lead], [u.written for u in r.co])
        for r in result.rows
    ] == [
        (2, "1", "政务环境", ["市发改委"], ["市财政局"]),
        (3, "2", "政务环境", ["市财政局"], ["市市场监管局"]),  # the level prefix carried along the list
        (5, "3", "市场环境", ["市场监管局"], []),
    ]
    assert [(r.deadline.date, r.deadline.ongoing) for r in result.rows] == [
        (datetime.date(2026, 6, 30), False),
        (None, True),
        (datetime.date(2026, 9, 30), False),
    ]
    assert result.title == "示例市2026年优化营商环境重点任务分工"
    assert result.ok


def test_section_heading_rows_become_the_category(units):
    rows = [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["一、持续优化政务环境", None, None, None],
        [1, "任务甲", "市发改委", "2026年12月"],
        ["二、着力优化市场环境", "二、着力优化市场环境", "二、着力优化市场环境", "二、着力优化市场环境"],
        [2, "任务乙", "市财政局", "2026年12月"],
        ["注：本表由营商办汇总。", None, None, None],
    ]
    outcome = ledger_import(
        actor=None, name="方案.xlsx", data=files.xlsx(rows, merges=["A4:D4"]), dry_run=True
    )
    assert [(r.row, r.category) for r in outcome.result.rows] == [
        (3, "持续优化政务环境"),
        (5, "着力优化市场环境"),
    ]
    assert [p.category.code for p in outcome.staged.plans] == ["government", "market"]


def test_xlsx_date_cells_and_serial_numbers(units):
    rows = [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        [1, "任务甲", "市发改委", datetime.datetime(2026, 6, 30)],
        [2, "任务乙", "市发改委", 46295],
        [3, "任务丙", "市发改委", "46022"],
    ]
    result = parsed("方案.xlsx", files.xlsx(rows))
    assert [r.as_json()["deadline"] for r in result.rows] == ["2026-06-30", "2026-09-30", "2025-12-31"]


def test_two_task_columns_measure_and_task(units):
    rows = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["1", "压缩企业开办时间", "企业开办全程网办", "市发改委", "2026年6月"],
        ["1", "压缩企业开办时间", "推行电子营业执照", "市场监管局", "2026年9月"],
    ]
    result = parsed("方案.xlsx", files.xlsx(rows, merges=["A2:A3", "B2:B3"]))
    assert [(r.measure, r.task) for r in result.rows] == [
        ("压缩企业开办时间", "企业开办全程网办"),
        ("压缩企业开办时间", "推行电子营业执照"),
    ]


@pytest.mark.parametrize(
    ("paragraph", "lead", "co", "deadline", "ongoing"),
    [
        ("1.任务甲。（牵头单位：市发改委；配合单位：市财政局）", ["市发改委"], ["市财政局"], None, True),
        (
            "2.任务乙。（责任单位：市财政局、市场监管局，2026年9月底前）",
            ["市财政局"],
            ["市市场监管局"],
            "2026-09-30",
            False,
        ),
        ("3.任务丙。(牵头单位:市场监管局;责任单位:各有关单位,持续推进)", ["市场监管局"], [], None, True),
        (
            "4.任务丁。（牵头单位：市发改委；责任单位：市财政局，年底前）",
            ["市发改委"],
            ["市财政局"],
            "2026-12-31",
            False,
        ),
    ],
)
def test_inline_annotations(units, paragraph, lead, co, deadline, ongoing):
    data = files.docx_paragraphs(["示例市2026年工作要点", "一、优化政务环境", paragraph])
    result = parsed("要点.docx", data)
    [row] = result.as_json()["rows"]
    assert (row["row"], row["lead"], row["co"], row["deadline"], row["ongoing"]) == (
        3,
        lead,
        co,
        deadline,
        ongoing,
    )
    assert result.rows[0].category == "优化政务环境"
    assert row["errors"] == []


def test_csv_semicolon_and_tab_separated(units):
    rows = [["序号", "重点任务", "牵头单位", "完成时限"], ["1", "任务甲", "市发改委", "2026年6月"]]
    for sep in ("\t", ";"):
        text = "\r\n".join(sep.join(r) for r in rows).encode("gb18030")
        result = parse_file(name="方案.csv", data=text)
        assert result.as_json()["rows"][0]["lead"] == ["市发改委"], sep


def test_two_level_header(units):
    rows = [
        ["示例市2026年重点任务分工"],
        ["序号", "重点任务", "责任单位", None, "完成时限"],
        [None, None, "牵头单位", "配合单位", None],
        [1, "任务甲", "市发改委", "市财政局", "2026年6月"],
    ]
    data = files.xlsx(rows, merges=["A1:E1", "C2:D2", "A2:A3", "B2:B3", "E2:E3"])
    result = parsed("方案.xlsx", data)
    assert result.as_json()["rows"] == [
        {
            "row": 4,
            "lead": ["市发改委"],
            "co": ["市财政局"],
            "matched": {"市发改委": "FGW", "市财政局": "CZJ"},
            "generic": [],
            "deadline": "2026-06-30",
            "ongoing": False,
            "errors": [],
        }
    ]


def test_word_title_paragraph_names_the_document_and_inline_items_beside_a_table_are_kept(units):
    from io import BytesIO

    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("示例市2026年优化营商环境工作要点")
    table = document.add_table(rows=2, cols=3)
    for j, text in enumerate(["重点任务", "牵头单位", "完成时限"]):
        table.cell(0, j).text = text
    for j, text in enumerate(["任务甲", "市发改委", "6月底前"]):
        table.cell(1, j).text = text
    document.add_paragraph("补充：任务乙。（牵头单位：市财政局，年底前）")
    out = BytesIO()
    document.save(out)
    result = parsed("要点.docx", out.getvalue())
    assert result.title == "示例市2026年优化营商环境工作要点"
    assert [(r.table, r.row, r.task, r.deadline.date) for r in result.rows] == [
        ("表格1", 2, "任务甲", datetime.date(2026, 6, 30)),
        ("正文", 2, "补充：任务乙。", datetime.date(2026, 12, 31)),  # body paragraphs count, tables do not
    ]
