"""Files the import refuses: each with a clear Chinese message, nothing saved."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingshang.core.office_settings import office_setting_change
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.models import PolicyDocument, Task

from . import files

GOOD = [["序号", "重点任务", "牵头单位", "完成时限"], [1, "任务甲", "示例市测试局", "2026年6月底前"]]


def refused(name, data, **kw):
    outcome = ledger_import(actor=None, name=name, data=data, dry_run=False, **kw)
    assert not outcome.committed
    assert outcome.result.rows == []
    assert PolicyDocument.objects.count() == 0 and Task.objects.count() == 0
    return outcome.result.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("方案.xlsx", b"PK\x03\x04" + b"\x00" * 200, "“方案.xlsx”已损坏或不是有效的 .xlsx 文件。"),
        ("方案.xlsx", b"not a workbook at all", "“方案.xlsx”已损坏或不是有效的 .xlsx 文件。"),
        (
            "方案.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "“方案.xls”已损坏或不是有效的 .xls 工作簿，无法读取。",
        ),
        ("方案.docx", b"PK\x03\x04broken", "“方案.docx”已损坏或不是有效的 .docx 文件。"),
        (
            "方案.xlsx",
            files.encrypted_ooxml(),
            "“方案.xlsx”设置了打开密码，无法读取。请取消密码保护后重新上传。",
        ),
        (
            "方案.xls",
            files.xls(GOOD, encrypted=True),
            "“方案.xls”设置了打开密码，无法读取。请取消密码保护后重新上传。",
        ),
        (
            "方案.xlsm",
            files.xlsx(GOOD),
            "“方案.xlsm”是含宏的文件（.xlsm），出于安全考虑不予接收，请另存为 .xlsx 或 .docx 后上传。",
        ),
        (
            "方案.xlsx",
            files.xlsm_like(),
            "“方案.xlsx”含有宏代码，出于安全考虑不予接收，请删除宏后另存为 .xlsx 上传。",
        ),
        (
            "方案.pdf",
            b"%PDF-1.4",
            "不支持“方案.pdf”的文件类型，请上传 .xlsx、.xls、.csv 或 .docx 格式的任务分工方案。",
        ),
        (
            "方案.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "“方案.docx”是旧版 Word 文件（.doc），请另存为 .docx 后上传。",
        ),
        ("方案.csv", b"", "文件“方案.csv”是空文件。"),
    ],
)
def test_unreadable_files(name, data, message):
    assert refused(name, data) == [message]


def test_file_over_the_size_limit(db, office_user):
    office_setting_change(actor=office_user, key="ledger_import_max_mb", raw_value="1")
    data = files.csv_bytes(GOOD) + b"," * (1024 * 1024)
    assert refused("方案.csv", data) == ["文件“方案.csv”超过 1 MB 的上限，请拆分后分批导入。"]


def test_unknown_header_names_are_read_by_content_not_refused(db, make_department):
    make_department("示例市测试局", code="T1")
    rows = [
        ["示例市2026年任务"],
        ["编号", "内容", "单位", "时间"],
        [1, "任务甲", "示例市测试局", "2026年6月"],
    ]
    result = ledger_import(
        actor=None, name="方案.xlsx", data=files.xlsx(rows, sheet="Sheet1"), dry_run=True
    ).result
    assert result.errors == []
    assert [(r.row, r.seq, r.task, [x.written for x in r.lead]) for r in result.rows] == [
        (3, "1", "任务甲", ["示例市测试局"])
    ]
    assert result.as_json()["columns"] == [
        {
            "sheet": "Sheet1",
            "header_row": 2,
            "seq": "A",
            "task": "B",
            "responsible": "C",
            "deadline": "D",
            "by": {"seq": "name", "task": "content", "responsible": "content", "deadline": "content"},
            "unsure": [],
        }
    ]


def test_a_table_with_no_column_of_text_is_refused(db):
    rows = [["示例市2026年统计"], ["编号", "数量", "金额"], [1, 20, 3.5], [2, 30, 4.5]]
    assert refused("方案.xlsx", files.xlsx(rows, sheet="Sheet1")) == [
        "工作表“Sheet1”的前 30 行中没有一列是文字，找不到任务内容。请确认上传的是任务分工表，或另存为 .xlsx 后重新上传。"
    ]


def test_header_is_found_on_a_later_sheet_under_title_rows(db, make_department):
    make_department("示例市测试局", code="T1")
    data = files.xlsx(
        [
            ["示例市2026年任务分工"],
            ["（2026年3月1日）"],
            [],
            ["序号", "主要任务", "主要责任单位", "协同单位", "时间节点"],
            [1, "任务甲", "测试局", None, "2026-06-30"],
        ],
        extra_sheets={"说明": [["本表由营商办汇总"]]},
    )
    outcome = ledger_import(actor=None, name="方案.xlsx", data=data, dry_run=True)
    assert outcome.result.as_json()["rows"] == [
        {
            "row": 5,
            "lead": ["测试局"],
            "co": [],
            "matched": {"测试局": "T1"},
            "generic": [],
            "deadline": "2026-06-30",
            "ongoing": False,
            "errors": [],
        }
    ]


def test_lead_cell_with_only_a_generic_phrase(db):
    rows = [
        ["序号", "重点任务", "责任单位", "完成时限"],
        [1, "任务甲", "各有关单位按职责分工负责", "2026年6月"],
    ]
    outcome = ledger_import(actor=None, name="方案.csv", data=files.csv_bytes(rows), dry_run=True)
    assert outcome.result.rows[0].errors == [
        "第2行“责任单位”列只写了“各有关单位”，没有具体的牵头单位，请在文件中写明牵头单位。"
    ]
    assert outcome.result.rows[0].generic == ["各有关单位"]


def test_command_reports_a_refused_file_as_json(db, tmp_path):
    path = tmp_path / "方案.xlsx"
    path.write_bytes(files.encrypted_ooxml())
    out = StringIO()
    call_command("import_ledger", str(path), "--json", "--dry-run", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue()) == {
        "rows": [],
        "unknown_units": [],
        "errors": ["“方案.xlsx”设置了打开密码，无法读取。请取消密码保护后重新上传。"],
        "columns": [],
    }
    with pytest.raises(CommandError, match="未保存任何内容"):
        call_command("import_ledger", str(path), stdout=StringIO(), stderr=StringIO())
