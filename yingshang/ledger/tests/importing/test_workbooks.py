"""Workbooks as they come: several sheets, a table continued on the next sheet, Word documents with several
task tables, WPS files; and `import_ledger --columns` when the reading has to be told."""

import json
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingshang.ledger.importing.services import ledger_import

from . import files


@pytest.fixture
def units(db, make_department):
    make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")
    make_department("示例市财政局", short_name="市财政局", code="CZJ")


HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


def rows_of(report):
    return [(r.get("sheet"), r.get("table"), r["row"], r["lead"], r["deadline"]) for r in report["rows"]]


def test_several_sheets_each_task_sheet_imported_and_named(units):
    data = files.xlsx(
        [["政务环境"], HEADER, [1, "任务甲：推行网上办理。", "市发改委", None, "2026年6月"]],
        sheet="政务环境",
        extra_sheets={
            "市场环境": [HEADER, [1, "任务乙：清理涉企收费。", "市财政局", "市发改委", "2026年9月"]],
            "填表说明": [["本表由营商办汇总，请于每月5日前报送。"]],
        },
    )
    report = ledger_import(actor=None, name="方案.xlsx", data=data, dry_run=True).result.as_json()
    assert rows_of(report) == [
        ("市场环境", None, 2, ["市财政局"], "2026-09-30"),
        ("政务环境", None, 3, ["市发改委"], "2026-06-30"),
    ]
    assert [c["sheet"] for c in report["columns"]] == ["市场环境", "政务环境"]


def test_a_table_continued_on_the_next_sheet_without_its_header(units):
    data = files.xlsx(
        [[2, "任务乙：清理涉企收费。", "市财政局", None, "2026年9月"]],
        sheet="续表",
        extra_sheets={
            "表一": [
                ["示例市2026年任务分工"],
                HEADER,
                [1, "任务甲：推行网上办理。", "市发改委", "市财政局", "2026年6月"],
            ]
        },
    )
    result = ledger_import(actor=None, name="方案.xlsx", data=data, dry_run=True).result
    assert rows_of(result.as_json()) == [
        ("表一", None, 3, ["市发改委"], "2026-06-30"),
        ("续表", None, 1, ["市财政局"], "2026-09-30"),
    ]
    assert result.readings[1]["by"]["task"] == "continued"


def test_word_document_with_several_task_tables_numbers_rows_per_table(units):
    document = docx.Document()
    document.add_paragraph("示例市2026年优化营商环境任务分工")
    for rows in (
        [HEADER, ["1", "任务甲：推行网上办理。", "市发改委", "", "2026年6月"]],
        [["联系人", "电话"], ["张三", "12345678"]],
        [
            HEADER,
            ["1", "任务乙：清理涉企收费。", "市财政局", "", "2026年9月"],
            ["2", "任务丙：优化纳税服务。", "市财政局", "", "年底前"],
        ],
    ):
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.cell(i, j).text = value
    import io

    out = io.BytesIO()
    document.save(out)
    report = ledger_import(actor=None, name="方案.docx", data=out.getvalue(), dry_run=True).result.as_json()
    assert rows_of(report) == [
        (None, 1, 2, ["市发改委"], "2026-06-30"),
        (None, 3, 2, ["市财政局"], "2026-09-30"),
        (None, 3, 3, ["市财政局"], "2026-12-31"),
    ]


@pytest.mark.parametrize("name", ["方案.wps", "方案.et", "方案.ET"])
def test_wps_files_are_refused_with_a_way_out(db, name):
    result = ledger_import(
        actor=None, name=name, data=b"\xd0\xcf\x11\xe0" + b"\x00" * 600, dry_run=True
    ).result
    extension = name[name.rfind(".") :].lower()
    assert result.errors == [
        f"“{name}”是 WPS 格式（{extension}），无法直接读取。请在 WPS 中用“另存为”保存为 .xlsx（表格）或 .docx（文字）后上传。"
    ]


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("import_ledger", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def test_columns_option_overrides_the_reading(units, tmp_path):
    # Column B holds the long text, but the office says the task is in C and B is the measure above it.
    rows = [
        ["工作类别", "重点工作", "细化举措", "主办", "协办", "备注"],
        ["政务", "深化“放管服”改革，持续优化审批服务", "任务甲", "市发改委", "市财政局", "2026年6月"],
    ]
    path = tmp_path / "方案.xlsx"
    path.write_bytes(files.xlsx(rows))
    report = json.loads(
        call(path, "--json", "--dry-run", "--columns", "category=A,measure=B,task=C,lead=D,co=E,deadline=F")
    )
    assert [(r["lead"], r["co"], r["deadline"]) for r in report["rows"]] == [
        (["市发改委"], ["市财政局"], "2026-06-30")
    ]
    assert report["columns"] == [
        {
            "sheet": "任务分工",
            "header_row": 1,
            "category": "A",
            "measure": "B",
            "task": "C",
            "lead": "D",
            "co": "E",
            "deadline": "F",
            "by": dict.fromkeys(["category", "measure", "task", "lead", "co", "deadline"], "given"),
            "unsure": [],
        }
    ]


@pytest.mark.parametrize("given", ["lead=D", "task=D,boss=E", "task=?"])
def test_columns_option_that_cannot_be_read_stops_the_command(units, tmp_path, given):
    path = tmp_path / "方案.xlsx"
    path.write_bytes(files.xlsx([HEADER]))
    with pytest.raises(CommandError):
        call(path, "--columns", given)


def test_the_plain_report_says_which_column_holds_what_when_not_all_by_name(units, tmp_path):
    said = "工作表“任务分工”：序号 A 列，任务 B 列，牵头单位 C 列，配合单位 D 列，完成时限 E 列"
    path = tmp_path / "方案.xlsx"
    path.write_bytes(files.xlsx([HEADER, [1, "任务甲", "市发改委", "市财政局", "2026年6月"]]))
    assert said not in call(path, "--dry-run").splitlines()
    everyday = ["序号", "事项", "谁办", "谁帮", "时间"]
    path.write_bytes(files.xlsx([everyday, [1, "任务甲", "市发改委", "市财政局", "2026年6月"]]))
    assert said in call(path, "--dry-run").splitlines()
