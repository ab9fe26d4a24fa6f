"""The corpus of published plans in ../fixtures (see SOURCES.md): every row's expected parse, written by hand."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def tree(make_department):
    # The office's own tree (its city is 示例市); the files are the published texts.
    for code, name, short in [
        ("GC01", "钢城区人民政府办公室", "区政府办公室"),
        ("GC02", "钢城区司法局", "区司法局"),
        ("GC03", "钢城区行政审批服务局", "区行政审批服务局"),
        ("WH01", "示例市行政审批服务局", "市行政审批服务局"),
        ("XY01", "示例市人民政府办公室", "市政府办公室"),
        ("XY02", "示例市行政审批制度改革工作领导小组办公室", "市审改办"),
    ]:
        make_department(name, short_name=short, code=code)


def run(name: str) -> dict:
    out = StringIO()
    call_command("import_ledger", str(FIXTURES / name), "--json", "--dry-run", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def row(number, lead, co, matched, generic, deadline=None, ongoing=True, errors=()):
    return {
        "row": number,
        "lead": lead,
        "co": co,
        "matched": matched,
        "generic": generic,
        "deadline": deadline,
        "ongoing": ongoing,
        "errors": list(errors),
    }


def test_gangcheng_2021(tree):
    office, justice, approval = "区政府办公室", "区司法局", "区行政审批服务局"
    assert run("gangcheng_2021_fangguanfu.docx") == {
        "rows": [
            row(5, [office], [], {office: "GC01"}, ["区政府有关部门", "各街道（功能区）"]),
            row(
                6,
                [office, justice, approval],
                [],
                {office: "GC01", justice: "GC02", approval: "GC03"},
                ["区政府有关部门"],
            ),
            row(7, [office], [justice], {office: "GC01", justice: "GC02"}, ["等有关部门"]),
            row(8, [justice], [], {justice: "GC02"}, ["区政府有关部门"]),
        ],
        "unknown_units": [],
        "errors": [],
        "columns": [],
    }


def test_weihai_2023(tree):
    assert run("weihai_2023_digital_government.docx") == {
        "rows": [
            row(
                4,
                ["市行政审批服务局"],
                ["开发区管委"],
                {"市行政审批服务局": "WH01", "开发区管委": None},
                ["市直有关部门", "单位", "各区市政府"],
                errors=["第4段“责任单位”：单位“开发区管委”不在单位库中，请对应到已有单位或新建。"],
            )
        ],
        "unknown_units": ["开发区管委"],
        "errors": [],
        "columns": [],
    }


def test_xianyang_2022(tree):
    office, reform = "市政府办公室", "市行政审批制度改革工作领导小组办公室"
    assert run("xianyang_2022_fangguanfu.docx") == {
        "rows": [
            row(
                3, [office, reform], [], {office: "XY01", reform: "XY02"}, ["市级各有关部门", "各县市区政府"]
            ),
        ],
        "unknown_units": [],
        "errors": [],
        "columns": [],
    }
