import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingshang.ledger.models import Task

from . import files

ROWS = [
    ["示例市2026年重点任务分工方案"],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [1, "任务甲", "市发改委", "市财政局", "2026年6月底前"],
    [2, "任务乙", "市财政局", None, "每季度"],
]


@pytest.fixture
def plan(db, make_department, tmp_path, office_user):
    make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")
    make_department("示例市财政局", short_name="市财政局", code="CZJ")
    path = tmp_path / "方案.xlsx"
    path.write_bytes(files.xlsx(ROWS))
    return path


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("import_ledger", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_has_exactly_the_described_shape(plan):
    out, err = call(plan, "--dry-run", "--json")
    assert json.loads(out) == {
        "rows": [
            {
                "row": 3,
                "lead": ["市发改委"],
                "co": ["市财政局"],
                "matched": {"市发改委": "FGW", "市财政局": "CZJ"},
                "generic": [],
                "deadline": "2026-06-30",
                "ongoing": False,
                "errors": [],
            },
            {
                "row": 4,
                "lead": ["市财政局"],
                "co": [],
                "matched": {"市财政局": "CZJ"},
                "generic": [],
                "deadline": None,
                "ongoing": True,
                "errors": [],
            },
        ],
        "unknown_units": [],
        "errors": [],
        "columns": [
            {
                "sheet": "任务分工",
                "header_row": 2,
                "seq": "A",
                "task": "B",
                "lead": "C",
                "co": "D",
                "deadline": "E",
                "by": {"seq": "name", "task": "name", "lead": "name", "co": "name", "deadline": "name"},
                "unsure": [],
            }
        ],
    }
    assert err.strip() == "检查《方案.xlsx》：2 行，新建 2 条，更新 0 条，未变 0 条（未保存）"
    assert Task.objects.count() == 0


def test_commit_then_again_reports_nothing_to_do(plan):
    out, _ = call(plan)
    assert out.strip().endswith("导入《方案.xlsx》：2 行，新建 2 条，更新 0 条，未变 0 条")
    assert Task.objects.count() == 2
    assert Task.objects.get(serial="2").cycle == "quarter"
    out, _ = call(plan, "--dry-run")
    assert out.strip() == "检查《方案.xlsx》：2 行，新建 0 条，更新 0 条，未变 2 条（未保存）"


def test_user_option_attributes_the_import(plan, office_user):
    call(plan, "--user", office_user.username)
    from yingshang.audit.models import AuditRecord

    assert AuditRecord.objects.get(action="ledger.import").actor_username == office_user.username


def test_errors_print_and_refuse(plan, tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(files.xlsx([*ROWS[:3], [2, "任务乙", "市不存在局", None, "适时"]]))
    with pytest.raises(CommandError):
        call(path)
    out, _ = call(path, "--dry-run")
    assert out.splitlines() == [
        "第4行 E 列“完成时限”：无法识别的时限“适时”。",
        "第4行 C 列“牵头单位”：单位“市不存在局”不在单位库中，请对应到已有单位或新建。",
        "未能匹配的单位：市不存在局",
        "检查《坏.xlsx》：2 行，新建 1 条，更新 0 条，未变 0 条；发现 2 处问题，未保存任何内容",
    ]
    assert Task.objects.count() == 0


def test_missing_file(db):
    with pytest.raises(CommandError, match="找不到文件"):
        call("/nonexistent/方案.xlsx")
