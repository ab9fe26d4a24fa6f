from datetime import date, datetime

import pytest

from yingshang.ledger.importing.deadlines import parse_deadline, plan_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026年12月", date(2026, 12, 31)),
        ("2026年12月底前", date(2026, 12, 31)),
        ("2026年2月底", date(2026, 2, 28)),
        ("2024年2月底前", date(2024, 2, 29)),
        ("年底前", date(2026, 12, 31)),
        ("2027年底前", date(2027, 12, 31)),
        ("6月底完成", date(2026, 6, 30)),
        ("6月底前", date(2026, 6, 30)),
        ("六月底前", date(2026, 6, 30)),
        ("2026年6月30日", date(2026, 6, 30)),
        ("2026年6月30日前", date(2026, 6, 30)),
        ("2026-06-30", date(2026, 6, 30)),
        ("2026/6/30", date(2026, 6, 30)),
        ("２０２６年６月３０日", date(2026, 6, 30)),
        ("9月15日前", date(2026, 9, 15)),
        ("2026年上半年", date(2026, 6, 30)),
        ("三季度", date(2026, 9, 30)),
        ("2026年6月底前完成方案，年底前全面完成", date(2026, 12, 31)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 0, 0), date(2026, 6, 30)),
        (46203, date(2026, 6, 30)),
        (46203.0, date(2026, 6, 30)),
        ("46203", date(2026, 6, 30)),
    ],
)
def test_dates(value, expected):
    d = parse_deadline(value, year=2026)
    assert (d.date, d.ongoing, d.error) == (expected, False, "")


@pytest.mark.parametrize(
    ("value", "cycle"),
    [
        ("持续推进", "month"),
        ("长期坚持", "month"),
        ("每季度", "quarter"),
        ("每月", "month"),
        ("每半年", "half"),
        ("每年", "year"),
    ],
)
def test_ongoing_with_a_cycle(value, cycle):
    d = parse_deadline(value, year=2026, default_cycle="month")
    assert (d.date, d.ongoing, d.cycle, d.error) == (None, True, cycle, "")


def test_default_cycle_applies_to_ongoing_words_only():
    assert parse_deadline("持续推进", year=None, default_cycle="quarter").cycle == "quarter"
    assert parse_deadline("每月", year=None, default_cycle="quarter").cycle == "month"


def test_empty_is_no_deadline_and_no_error():
    assert parse_deadline(None, year=2026).error == ""
    assert parse_deadline("  ", year=2026).date is None


@pytest.mark.parametrize("value", ["尽快", "适时", "2026年13月", "2026年2月30日"])
def test_unreadable_is_an_error(value):
    d = parse_deadline(value, year=2026)
    assert d.date is None and not d.ongoing and d.error


def test_month_without_a_year_needs_the_plans_year():
    d = parse_deadline("6月底完成", year=None)
    assert d.error == "时限“6月底完成”未写年份，请填写方案年份（命令行用 --year）或在文件标题中注明"


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("济南市钢城区深化“放管服”改革优化营商环境2021年重点任务分工方案（2021-04-10）", 2021),
        ("湘西自治州2020年深化“放管服”改革优化营商环境工作计划（州政发〔2020〕5号）", 2020),
        ("昆明市官渡区 稳增长促发展若干政策措施（2016）", 2016),
        ("示例市优化营商环境若干措施", None),
    ],
)
def test_plan_year_from_title(title, year):
    assert plan_year(title) == year
