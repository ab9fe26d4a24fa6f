import pytest

from yingshang.ledger.importing.units import (
    CO_COLUMN,
    LEAD_COLUMN,
    RESPONSIBLE_COLUMN,
    DepartmentIndex,
    Unit,
    name_key,
    split_cell,
)


def written(units):
    return [u.written for u in units]


@pytest.mark.parametrize(
    ("text", "column", "lead", "co", "generic"),
    [
        ("市发改委、市财政局", LEAD_COLUMN, ["市发改委", "市财政局"], [], []),
        (
            "市发改委，市财政局；市商务局,市税务局",
            CO_COLUMN,
            [],
            ["市发改委", "市财政局", "市商务局", "市税务局"],
            [],
        ),
        (
            "市发改委牵头，市财政局、市场监管局按职责分工负责",
            RESPONSIBLE_COLUMN,
            ["市发改委"],
            ["市财政局", "市市场监管局"],
            [],
        ),
        ("市发改委、市财政局按职责分工负责", RESPONSIBLE_COLUMN, ["市发改委"], ["市财政局"], []),
        ("各有关单位按职责分工负责", RESPONSIBLE_COLUMN, [], [], ["各有关单位"]),
        ("省有关部门、各区县", CO_COLUMN, [], [], ["省有关部门", "各区县"]),
        (
            "省工业和信息化厅、科技厅、政务和数据局",
            LEAD_COLUMN,
            ["省工业和信息化厅", "省科技厅", "省政务和数据局"],
            [],
            [],
        ),
        ("省工业和信息化厅、市场监管局", LEAD_COLUMN, ["省工业和信息化厅", "省市场监管局"], [], []),
        ("市场监管局", LEAD_COLUMN, ["市场监管局"], [], []),
        ("市场监管局、科技局", LEAD_COLUMN, ["市场监管局", "科技局"], [], []),
        ("省市场监管局（省知识产权局）", LEAD_COLUMN, ["省市场监管局（省知识产权局）"], [], []),
        ("市发改委（牵头）、市财政局", RESPONSIBLE_COLUMN, ["市发改委"], ["市财政局"], []),
        ("区司法局等有关部门", CO_COLUMN, [], ["区司法局"], ["等有关部门"]),
        ("州委编办及州直相关单位", CO_COLUMN, [], ["州委编办"], ["州直相关单位"]),
        ("市发改委\n市财政局", LEAD_COLUMN, ["市发改委", "市财政局"], [], []),
        ("", LEAD_COLUMN, [], [], []),
    ],
)
def test_split_cell(text, column, lead, co, generic):
    cell = split_cell(text, column)
    assert (written(cell.lead), written(cell.co), cell.generic) == (lead, co, generic)


def test_responsible_column_without_first_listed_rule_makes_all_leads():
    cell = split_cell("市发改委、市财政局按职责分工负责", RESPONSIBLE_COLUMN, first_listed_leads=False)
    assert (written(cell.lead), written(cell.co)) == (["市发改委", "市财政局"], [])


def test_alias_is_kept_with_its_body():
    cell = split_cell("省市场监管局（省知识产权局）、科技厅", LEAD_COLUMN)
    assert cell.lead == [
        Unit("省市场监管局（省知识产权局）", "省市场监管局", ("省知识产权局",)),
        Unit("省科技厅", "省科技厅"),
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("示例市发展和改革委员会", "发展和改革委员会"),
        ("市发改委", "发改委"),
        ("发改委", "发改委"),
        ("市市场监管局", "市场监管局"),
        ("市场监管局", "市场监管局"),
        ("示例市市场监督管理局", "市场监督管理局"),
        ("区司法局", "区司法局"),
        ("示例市人民政府办公室", "政府办公室"),
        ("市政府办公室", "政府办公室"),
    ],
)
def test_name_key_with_and_without_the_city_prefix(name, key):
    assert name_key(name, ["示例市"]) == key


def index():
    return DepartmentIndex(
        [
            (1, "FGW", "示例市发展和改革委员会", "市发改委", ["发改委"]),
            (2, "SCJ", "示例市市场监督管理局", "市市场监管局", ["市场监管局", "市知识产权局"]),
            (3, "SFJ", "示例市司法局", "市司法局", []),
            (4, "A1", "示例市甲局", "甲局", ["重名局"]),
            (5, "A2", "示例市乙局", "乙局", ["重名局"]),
        ],
        ["示例市"],
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("示例市发展和改革委员会", "FGW"),
        ("发展和改革委员会", "FGW"),
        ("市发改委", "FGW"),
        ("发改委", "FGW"),
        ("示例市发改委", "FGW"),
        ("市场监管局", "SCJ"),
        ("市市场监管局", "SCJ"),
        ("司法局", "SFJ"),
        ("区司法局", None),
        ("省市场监管局", None),
        ("重名局", None),
    ],
)
def test_match_by_full_name_short_name_or_alias(name, code):
    ref, _ = index().match(Unit(name, name))
    assert (ref.code if ref else None) == code


def test_alias_in_brackets_matches_when_the_body_does_not():
    ref, _ = index().match(Unit("市商务知识局（市知识产权局）", "市商务知识局", ("市知识产权局",)))
    assert ref is not None and ref.code == "SCJ"


def test_ambiguous_name_is_reported_as_such_and_mapping_wins():
    idx = index()
    assert idx.match(Unit("重名局", "重名局")) == (None, True)
    ref, ambiguous = idx.match(Unit("重名局", "重名局"), {"重名局": "A2"})
    assert (ref.code, ambiguous) == ("A2", False)
