"""The 12 real items of ../shared/data/ledgers/, rebuilt here as files of our own making in the layouts the
plans were published in (title row, merged cells, formula 序号, notes row; GBK CSV; .xls; Word table and
inline annotations), each with the expected parse of every row written down."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from . import files

# Units as the plans write them; the department tree holds them under fuller names.
DEPARTMENTS = [
    ("GC01", "钢城区人民政府办公室", "区政府办公室", []),
    ("GC02", "钢城区司法局", "区司法局", []),
    ("GC03", "钢城区行政审批服务局", "区行政审批服务局", []),
    ("XX01", "湘西州行政审批服务局", "州行政审批服务局", []),
    ("XX02", "湘西州司法局", "州司法局", []),
    ("XX03", "中共湘西州委机构编制委员会办公室", "州委编办", []),
    ("BJ01", "示例市人民政府办公室", "市政府办", []),
    ("BJ02", "示例市行政审批制度改革工作领导小组办公室", "市审改办", []),
    ("TX01", "铁西区数据局", "区数据局", []),
    ("GD01", "官渡区政务服务管理局", "区政务服务局", []),
    ("GD02", "官渡区发展和改革局", "区发改局", []),
    ("GD03", "官渡区审批制度改革办公室", "区审改办", []),
    ("GD04", "官渡区住房和城乡建设局", "区住建局", []),
    ("GD05", "官渡区国土资源分局", "区国土分局", []),
    ("GD06", "官渡区规划分局", "区规划分局", []),
    ("GD07", "官渡区环境保护局", "区环保局", []),
    ("GD08", "官渡区水务局", "区水务局", []),
    ("GD09", "官渡区财政局", "区财政局", []),
    ("GD10", "官渡区交通运输局", "区交运局", []),
    ("GD11", "官渡区经济贸易和投资促进局", "区经贸投促局", []),
    ("GD12", "官渡区国有资产投资经营有限公司", "区国投公司", []),
]


@pytest.fixture
def tree(make_department):
    return {
        code: make_department(name, short_name=short, aliases=aliases, code=code)
        for code, name, short, aliases in DEPARTMENTS
    }


def read_by_name(where: dict, header_row: int, **letters: str) -> list[dict]:
    """The "columns" report of a single table whose header names every column."""
    return [
        {**where, "header_row": header_row, **letters, "by": dict.fromkeys(letters, "name"), "unsure": []}
    ]


def run(path: Path, *extra: str) -> dict:
    out, err = StringIO(), StringIO()
    call_command("import_ledger", str(path), "--json", *extra, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# 济南市钢城区 2021: .xlsx, title row merged across, 序号 written as formulas (cached values as Excel saves
# them), 牵头单位 / 配合单位 columns, no deadlines, a notes row under the table.
GANGCHENG_ROWS = [
    ["济南市钢城区深化“放管服”改革优化营商环境2021年重点任务分工方案", None, None, None, None],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [
        "=ROW()-2",
        "及时承接落实国务院和省、市政府取消、下放和改变管理方式的行政权力事项。",
        "区政府办公室",
        "区政府有关部门，各街道(功能区)",
        None,
    ],
    [
        "=ROW()-2",
        "严格落实行政许可设定审查制度，开展行政许可实施情况监督，实施行政许可案卷评查。",
        "区政府办公室、区司法局、区行政审批服务局",
        "区政府有关部门",
        None,
    ],
    [
        "=ROW()-2",
        "规范行政备案事项管理，编制并公布区级层面设定的行政备案事项清单。",
        "区政府办公室",
        "区司法局等有关部门",
        None,
    ],
    [
        "=ROW()-2",
        "深入研究论证区级行政权力事项，分类实施取消或转变管理方式。",
        "区司法局",
        "区政府有关部门",
        None,
    ],
    ["注：各牵头单位每季度末报送进展情况。", None, None, None, None],
]
GANGCHENG_EXPECTED = [
    {
        "row": 3,
        "lead": ["区政府办公室"],
        "co": [],
        "matched": {"区政府办公室": "GC01"},
        "generic": ["区政府有关部门", "各街道（功能区）"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
    {
        "row": 4,
        "lead": ["区政府办公室", "区司法局", "区行政审批服务局"],
        "co": [],
        "matched": {"区政府办公室": "GC01", "区司法局": "GC02", "区行政审批服务局": "GC03"},
        "generic": ["区政府有关部门"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
    {
        "row": 5,
        "lead": ["区政府办公室"],
        "co": ["区司法局"],
        "matched": {"区政府办公室": "GC01", "区司法局": "GC02"},
        "generic": ["等有关部门"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
    {
        "row": 6,
        "lead": ["区司法局"],
        "co": [],
        "matched": {"区司法局": "GC02"},
        "generic": ["区政府有关部门"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
]


def test_gangcheng_xlsx_title_row_formula_serials_and_notes_row(tree, tmp_path):
    data = files.xlsx(GANGCHENG_ROWS, merges=["A1:E1", "A7:E7"], cached={"A3": 1, "A4": 2, "A5": 3, "A6": 4})
    report = run(write(tmp_path, "钢城区2021年任务分工.xlsx", data), "--dry-run")
    assert report == {
        "rows": GANGCHENG_EXPECTED,
        "unknown_units": [],
        "errors": [],
        "columns": read_by_name({"sheet": "任务分工"}, 2, seq="A", task="B", lead="C", co="D", deadline="E"),
    }


def test_gangcheng_formula_without_cached_value_is_refused_naming_the_cell(tree, tmp_path):
    data = files.xlsx(GANGCHENG_ROWS, merges=["A1:E1"], cached={"A3": 1, "A4": 2, "A6": 4})
    report = run(write(tmp_path, "钢城区.xlsx", data), "--dry-run")
    assert report["rows"][2]["errors"] == [
        "第5行 A5 单元格“序号”是公式但没有计算结果，请在 Excel 中打开并保存后重新上传。"
    ]
    assert [r["errors"] for i, r in enumerate(report["rows"]) if i != 2] == [[], [], []]


# 湘西州 2020: a Word body with the inline style "……（牵头单位：…；责任单位：…，6月底完成）".
XIANGXI_PARAGRAPHS = [
    "湘西自治州2020年深化“放管服”改革优化营商环境工作计划",
    "一、深化简政放权",
    "1.加大简政放权力度。坚持依法放权、宜放则放的原则，承接好省下放行政许可事项，大力推进吉首市、湘西经开区"
    "两个相对集中行政许可权改革试点，实现“一枚印章管审批”。（牵头单位：州行政审批服务局；责任单位：州司法局、"
    "州委编办及州直相关单位，各县市人民政府、湘西经开区管委会，6月底完成）",
]


def test_xiangxi_docx_inline_annotation(tree, tmp_path):
    report = run(
        write(tmp_path, "湘西州工作计划.docx", files.docx_paragraphs(XIANGXI_PARAGRAPHS)), "--dry-run"
    )
    assert report == {
        "rows": [
            {
                "row": 3,
                "lead": ["州行政审批服务局"],
                "co": ["州司法局", "州委编办", "湘西经开区管委会"],
                "matched": {
                    "州行政审批服务局": "XX01",
                    "州司法局": "XX02",
                    "州委编办": "XX03",
                    "湘西经开区管委会": None,
                },
                "generic": ["州直相关单位", "各县市人民政府"],
                "deadline": "2020-06-30",
                "ongoing": False,
                "errors": ["第3段“责任单位”：单位“湘西经开区管委会”不在单位库中，请对应到已有单位或新建。"],
            }
        ],
        "unknown_units": ["湘西经开区管委会"],
        "errors": [],
        "columns": [],
    }


# 宝鸡 2022: a Word table with one 责任单位 column that says the roles in words.
BAOJI_ROWS = [
    ["序号", "工作任务", "责任单位", "完成时限"],
    [
        "1",
        "全面实施行政许可事项清单管理。依据国家和省行政许可事项清单，2022年10月底前编制并公布市、县两级行政许可事项清单。",
        "市政府办公室、市行政审批制度改革工作领导小组办公室牵头，市级各有关部门及各县市区政府按职责分工负责",
        "2022年10月底前",
    ],
]


def test_baoji_docx_table_roles_in_words(tree, tmp_path):
    data = files.docx_table(BAOJI_ROWS, title="宝鸡市2022年深化“放管服”改革优化营商环境工作要点")
    report = run(write(tmp_path, "宝鸡工作要点.docx", data), "--dry-run")
    assert report == {
        "rows": [
            {
                "row": 2,
                "lead": ["市政府办公室", "市行政审批制度改革工作领导小组办公室"],
                "co": [],
                "matched": {"市政府办公室": "BJ01", "市行政审批制度改革工作领导小组办公室": "BJ02"},
                "generic": ["市级各有关部门", "各县市区政府"],
                "deadline": "2022-10-31",
                "ongoing": False,
                "errors": [],
            }
        ],
        "unknown_units": [],
        "errors": [],
        "columns": read_by_name({"table": 1}, 1, seq="A", task="B", responsible="C", deadline="D"),
    }


# 鞍山市铁西区 2025: a GBK-encoded CSV export with a title line above the header.
TIEXI_ROWS = [
    ["鞍山市铁西区2025年优化营商环境55条", None, None, None],
    ["序号", "具体措施", "责任单位", "完成时限"],
    [
        "1",
        "编制政务服务事项清单。对全区政务服务事项进行梳理，编制铁西区政务服务事项目录及实施清单并进行动态调整。",
        "区数据局",
        None,
    ],
    ["2", "拓展“高效办成一件事”场景。年底前推出一个“高效办成一件事”主题场景。", "区数据局", "年底前"],
]
TIEXI_EXPECTED = [
    {
        "row": 2,
        "lead": ["区数据局"],
        "co": [],
        "matched": {"区数据局": "TX01"},
        "generic": [],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
    {
        "row": 3,
        "lead": ["区数据局"],
        "co": [],
        "matched": {"区数据局": "TX01"},
        "generic": [],
        "deadline": "2025-12-31",
        "ongoing": False,
        "errors": [],
    },
]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("gbk", False), ("gb18030", False), ("utf-8", True), ("utf-8", False)]
)
def test_tiexi_csv_in_every_encoding(tree, tmp_path, encoding, bom):
    data = files.csv_bytes(TIEXI_ROWS, encoding=encoding, bom=bom)
    report = run(write(tmp_path, "铁西区55条.csv", data), "--dry-run")
    assert report == {
        "rows": TIEXI_EXPECTED,
        "unknown_units": [],
        "errors": [],
        "columns": read_by_name({"table": 1}, 2, seq="A", task="B", responsible="C", deadline="D"),
    }


# 昆明市官渡区 2016: an .xls with a group column (类别) merged down, 牵头单位 / 配合单位, a date cell.
GUANDU_ROWS = [
    ["昆明市官渡区稳增长促发展若干政策措施（2016）", None, None, None, None, None],
    ["类别", "序号", "政策措施", "牵头单位", "配合单位", "完成时限"],
    [
        "政务环境",
        1,
        "精简项目审批手续。加快推进网上审批，5月底前实现我区中介超市上线运行。",
        "区政务服务局",
        "区发改局、区审改办、区住建局、区级相关部门",
        "5月底前",
    ],
    [
        None,
        2,
        "提高土地审批效率。辖区范围内6亩以下的土地使用转让手续，区政府审查后办理土地登记。",
        "区国土分局",
        "区规划分局、区级相关部门",
        datetime.date(2016, 9, 30),
    ],
    [
        None,
        3,
        "提高环评审批效率。环评报告书14个工作日内完成审批。",
        "区环保局",
        "区水务局、区级相关部门",
        "长期坚持",
    ],
    [
        None,
        4,
        "加强项目谋划储备。编制完成官渡区三年滚动投资计划，区级财政安排4000万元重大项目前期费。",
        "区发改局",
        "区财政局、区交运局、区经贸投促局、区住建局、区水务局等部门，区国投公司、各街道办事处",
        "每季度",
    ],
]
GUANDU_EXPECTED = [
    {
        "row": 3,
        "lead": ["区政务服务局"],
        "co": ["区发改局", "区审改办", "区住建局"],
        "matched": {"区政务服务局": "GD01", "区发改局": "GD02", "区审改办": "GD03", "区住建局": "GD04"},
        "generic": ["区级相关部门"],
        "deadline": "2016-05-31",
        "ongoing": False,
        "errors": [],
    },
    {
        "row": 4,
        "lead": ["区国土分局"],
        "co": ["区规划分局"],
        "matched": {"区国土分局": "GD05", "区规划分局": "GD06"},
        "generic": ["区级相关部门"],
        "deadline": "2016-09-30",
        "ongoing": False,
        "errors": [],
    },
    {
        "row": 5,
        "lead": ["区环保局"],
        "co": ["区水务局"],
        "matched": {"区环保局": "GD07", "区水务局": "GD08"},
        "generic": ["区级相关部门"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
    {
        "row": 6,
        "lead": ["区发改局"],
        "co": ["区财政局", "区交运局", "区经贸投促局", "区住建局", "区水务局", "区国投公司"],
        "matched": {
            "区发改局": "GD02",
            "区财政局": "GD09",
            "区交运局": "GD10",
            "区经贸投促局": "GD11",
            "区住建局": "GD04",
            "区水务局": "GD08",
            "区国投公司": "GD12",
        },
        "generic": ["等部门", "各街道办事处"],
        "deadline": None,
        "ongoing": True,
        "errors": [],
    },
]


def guandu_report(sheet: str) -> dict:
    columns = read_by_name(
        {"sheet": sheet}, 2, category="A", seq="B", task="C", lead="D", co="E", deadline="F"
    )
    return {"rows": GUANDU_EXPECTED, "unknown_units": [], "errors": [], "columns": columns}


def test_guandu_xls_merged_category_and_date_cell(tree, tmp_path):
    data = files.xls(GUANDU_ROWS, merges=[(0, 0, 0, 5), (2, 5, 0, 0)])
    report = run(write(tmp_path, "官渡区政策措施.xls", data), "--dry-run")
    assert report == guandu_report("Sheet1")


def test_guandu_same_table_as_xlsx_reads_the_same(tree, tmp_path):
    data = files.xlsx(GUANDU_ROWS, merges=["A1:F1", "A3:A6"])
    report = run(write(tmp_path, "官渡区政策措施.xlsx", data), "--dry-run")
    assert report == guandu_report("任务分工")


def test_guandu_category_is_carried_down_the_merged_cells(tree, tmp_path):
    from yingshang.ledger.importing.services import parse_file

    result = parse_file(name="官渡.xls", data=files.xls(GUANDU_ROWS, merges=[(0, 0, 0, 5), (2, 5, 0, 0)]))
    assert [(r.seq, r.category, r.year) for r in result.rows] == [
        ("1", "政务环境", 2016),
        ("2", "政务环境", 2016),
        ("3", "政务环境", 2016),
        ("4", "政务环境", 2016),
    ]
    assert result.rows[3].deadline.cycle == "quarter"
    assert result.title == "昆明市官渡区稳增长促发展若干政策措施（2016）"


SHARED = (
    Path(__file__).resolve().parents[4].parent / "shared" / "data" / "ledgers" / "yingshang_task_excerpts.csv"
)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not on this machine")
def test_the_real_csv_reads_every_row(db, tmp_path):
    """The real file itself (read in place, never copied): 12 rows, each document's year, no row lost."""
    report = run(SHARED, "--dry-run")
    assert [r["row"] for r in report["rows"]] == list(range(2, 14))
    assert [r["deadline"] for r in report["rows"]] == [
        None,
        None,
        None,
        None,
        "2020-06-30",
        "2022-10-31",
        None,
        "2025-12-31",
        "2016-05-31",
        None,
        None,
        None,
    ]
    assert report["rows"][4]["co"] == ["州司法局", "州委编办", "湘西经开区管委会"]
    assert report["rows"][5]["generic"] == ["市级各有关部门", "各县市区政府"]
    assert report["errors"] == []
    assert "区数据局" in report["unknown_units"]
