"""Cells as published tables write them: placeholders that are not units, a lead repeated in its own co list,
local governments named as a class, units separated by "；", line breaks or spaces, numbered sub-items kept as
one task. Each rule is tried on at least two differently laid-out tables."""

import pytest

from yingshang.ledger.importing.deadlines import parse_deadline
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.importing.units import CO_COLUMN, LEAD_COLUMN, RESPONSIBLE_COLUMN, split_cell

from . import files


@pytest.fixture
def units(db, make_department):
    make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")
    make_department("示例市财政局", short_name="市财政局", code="CZJ")
    make_department("示例市商务局", short_name="市商务局", code="SWJ")


def preview(name, data):
    return ledger_import(actor=None, name=name, data=data, dry_run=True).result


def who(result):
    return [
        ([x.written for x in r.lead], [x.written for x in r.co], r.generic, r.as_json()["deadline"], r.notes)
        for r in result.rows
    ]


@pytest.mark.parametrize(
    "text", ["无", "暂无", "空", "—", "——", "－", "-", "/", "／", "略", "待定", " 无 ", "N/A", "不涉及"]
)
@pytest.mark.parametrize("column", [LEAD_COLUMN, CO_COLUMN, RESPONSIBLE_COLUMN])
def test_a_placeholder_is_not_a_unit(text, column):
    cell = split_cell(text, column)
    assert (cell.lead, cell.co, cell.generic) == ([], [], [])


def test_a_placeholder_among_units_is_dropped():
    cell = split_cell("市财政局、无、／", CO_COLUMN)
    assert ([x.written for x in cell.co], cell.generic) == (["市财政局"], [])


@pytest.mark.parametrize("text", ["无", "待定", "—", "／", "暂无"])
def test_a_placeholder_deadline_is_no_deadline(text):
    deadline = parse_deadline(text, year=2026)
    assert (deadline.date, deadline.ongoing, deadline.error, deadline.placeholder) == (None, False, "", True)


PLACEHOLDER_NOTE = "第{row}行{column}写的是“{text}”，按没有完成时限的长期任务导入。"


def test_placeholders_in_an_xlsx_with_lead_and_co_columns(units):
    rows = [
        ["示例市2026年重点任务分工方案"],
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        [1, "优化企业开办服务，推行全程网办。", "市发改委", "无", "2026年6月底前"],
        [2, "清理规范涉企收费。", "市财政局", "—", "待定"],
        [3, "推进外贸企业便利化。", "市商务局", "市财政局、／", "/"],
    ]
    result = preview("方案.xlsx", files.xlsx(rows, merges=["A1:E1"]))
    assert who(result) == [
        (["市发改委"], [], [], "2026-06-30", []),
        (["市财政局"], [], [], None, [PLACEHOLDER_NOTE.format(row=4, column=" E 列“完成时限”", text="待定")]),
        (
            ["市商务局"],
            ["市财政局"],
            [],
            None,
            [PLACEHOLDER_NOTE.format(row=5, column=" E 列“完成时限”", text="/")],
        ),
    ]
    assert result.ok


def test_placeholders_in_a_docx_with_one_responsible_column(units):
    rows = [
        ["序号", "工作任务", "责任单位", "时间节点"],
        ["1", "建立企业诉求快速响应机制。", "市发改委牵头，暂无", "——"],
        ["2", "开展营商环境评价。", "市商务局", "略"],
    ]
    result = preview("方案.docx", files.docx_table(rows, title="示例市2026年工作要点"))
    assert who(result) == [
        (["市发改委"], [], [], None, [PLACEHOLDER_NOTE.format(row=2, column="“时间节点”列", text="——")]),
        (["市商务局"], [], [], None, [PLACEHOLDER_NOTE.format(row=3, column="“时间节点”列", text="略")]),
    ]


def test_a_lead_in_its_own_co_list_is_kept_as_lead_and_said(units):
    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        [1, "任务甲：优化审批流程。", "市发改委", "市发改委、市财政局", "2026年6月"],
    ]
    for name, data in (("方案.xlsx", files.xlsx(rows)), ("方案.csv", files.csv_bytes(rows))):
        result = preview(name, data)
        column = " D 列“配合单位”" if name.endswith("xlsx") else "“配合单位”列"
        assert who(result) == [
            (
                ["市发改委"],
                ["市财政局"],
                [],
                "2026-06-30",
                [f"第2行“市发改委”既是牵头单位又列在{column}中，按牵头单位导入。"],
            )
        ]


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("各市人民政府结合实际落实", ["各市人民政府"]),
        ("各县（市、区）", ["各县（市、区）"]),
        ("县（市、区）人民政府", ["县（市、区）人民政府"]),
        ("市县两级政府", ["市县两级政府"]),
        ("乡镇（街道）", ["乡镇（街道）"]),
    ],
)
def test_local_governments_named_as_a_class_are_generic_not_units(text, generic):
    cell = split_cell("市发改委；" + text, RESPONSIBLE_COLUMN)
    assert ([x.written for x in cell.lead], cell.co, cell.generic) == (["市发改委"], [], generic)


@pytest.mark.parametrize(
    "text",
    [
        "市发改委；市财政局；市商务局",
        "市发改委、市财政局、市商务局",
        "市发改委\n市财政局\n市商务局",
        "市发改委 市财政局　市商务局",
    ],
)
def test_units_separated_in_every_published_way(text):
    cell = split_cell(text, CO_COLUMN)
    assert [x.written for x in cell.co] == ["市发改委", "市财政局", "市商务局"]


def test_numbered_sub_items_in_one_task_cell_stay_one_task(units):
    task = "推进政务服务标准化：\n1.编制办事指南；\n2.统一受理标准。\n①线上办理；②线下办理。"
    rows = [
        ["序号", "重点任务", "责任单位", "完成时限"],
        [1, task, "市发改委", "2026年12月"],
        [2, "任务乙", "市财政局", None],
    ]
    for name, data in (("方案.xlsx", files.xlsx(rows)), ("方案.docx", files.docx_table(rows))):
        result = preview(name, data)
        assert [r.task for r in result.rows] == [task, "任务乙"]


def columns_of(result):
    return [{k: v for k, v in r.items() if k not in {"by", "header_row"}} for r in result.readings]


def test_everyday_header_words_are_read_by_content_in_an_xlsx(units):
    rows = [
        ["示例市2026年优化营商环境工作安排"],
        ["编号", "改革事项", "怎么做", "谁牵头", "谁配合", "什么时候"],
        [
            1,
            "企业开办",
            "推行企业开办全程网上办理，一日办结。",
            "市发改委",
            "市财政局、市商务局",
            "2026年6月底前",
        ],
        [2, "企业开办", "推广电子营业执照在各类场景中的应用。", "市商务局", "无", "持续推进"],
        [3, "纳税", "压缩纳税时间，推行非接触式办税缴费。", "市财政局", "市发改委", "年底前"],
        ["注：各单位每季度末报送进展。"],
    ]
    result = preview("工作安排.xlsx", files.xlsx(rows, merges=["A1:F1", "B3:B4", "A7:F7"]))
    assert columns_of(result) == [
        {
            "sheet": "任务分工",
            "seq": "A",
            "category": "B",
            "task": "C",
            "lead": "D",
            "co": "E",
            "deadline": "F",
            "unsure": [],
        }
    ]
    assert [(r.row, r.category, r.task[:6]) for r in result.rows] == [
        (3, "企业开办", "推行企业开办"),
        (4, "企业开办", "推广电子营业"),
        (5, "纳税", "压缩纳税时间"),
    ]
    assert who(result) == [
        (["市发改委"], ["市财政局", "市商务局"], [], "2026-06-30", []),
        (["市商务局"], [], [], None, []),
        (["市财政局"], ["市发改委"], [], "2026-12-31", []),
    ]


def test_a_word_table_without_any_header_is_read_by_content(units):
    rows = [
        [
            "1",
            "建立涉企政策兑现“免申即享”机制，政策资金直达企业。",
            "市财政局牵头，市发改委配合",
            "2026年9月",
        ],
        ["2", "开展“企业服务日”活动，每月走访重点企业。", "市商务局", "每月"],
    ]
    result = preview("要点.docx", files.docx_table(rows, title="示例市2026年营商环境工作要点"))
    assert columns_of(result) == [
        {"table": 1, "seq": "A", "task": "B", "responsible": "C", "deadline": "D", "unsure": []}
    ]
    assert [(r.row, r.seq) for r in result.rows] == [(1, "1"), (2, "2")]
    assert who(result) == [
        (["市财政局"], ["市发改委"], [], "2026-09-30", []),
        (["市商务局"], [], [], None, []),
    ]


def test_a_header_over_three_rows_with_hidden_rows_and_columns(units):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分工"
    for row in [
        ["示例市2026年数字政府建设任务分工"],
        ["序号", "建设内容", "责任分工", None, "进度"],
        [None, None, "主责", "协同", None],
        [None, None, "（单位）", "（单位）", "（时间）"],
        [1, "建设一体化政务服务平台，实现高频事项“一网通办”。", "市发改委", "市财政局", "2026年10月"],
        [2, "已取消的任务（隐藏行）", "市商务局", None, "2026年3月"],
        [3, "推进电子证照互通互认，扩大应用场景。", "市商务局", "市发改委", "2026年12月"],
    ]:
        ws.append(row)
    ws.merge_cells("A1:E1")
    ws.merge_cells("C2:D2")
    ws.row_dimensions[6].hidden = True
    ws.insert_cols(6)
    ws["F5"] = "内部备注：已完成前期调研工作，资金已到位"
    ws["F7"] = "内部备注：等待省里统一部署再推进"
    ws.column_dimensions["F"].hidden = True
    out = io.BytesIO()
    wb.save(out)
    result = preview("分工.xlsx", out.getvalue())
    assert columns_of(result) == [
        {"sheet": "分工", "seq": "A", "task": "B", "lead": "C", "co": "D", "deadline": "E", "unsure": []}
    ]
    assert [(r.row, r.seq) for r in result.rows] == [(5, "1"), (7, "3")]
    assert who(result) == [
        (["市发改委"], ["市财政局"], [], "2026-10-31", []),
        (["市商务局"], ["市发改委"], [], "2026-12-31", []),
    ]
