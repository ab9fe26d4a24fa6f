"""An old plan and the units an import creates do not distort the rankings: past-due rows can be imported as
history (done, or outside assessment), and a unit created by an import is not assessed until the office
includes it."""

from datetime import date

import pytest

from yingshang.assessment.measures import on_time_completion
from yingshang.assessment.periods import parse_period
from yingshang.assessment.services import eligible_departments
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.models import Task
from yingshang.org import services as org_services
from yingshang.org.models import Department

from . import files

OLD_PLAN = [
    ["示例市2016年优化营商环境实施方案"],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [1, "推行企业登记全程电子化。", "市发改委", "", "2016年6月底前"],
    [2, "清理规范涉企收费。", "市发改委", "", "2016年5月底前"],
    [3, "建立营商环境长效机制。", "市发改委", "", "持续推进"],
]
Q2_2016 = parse_period("2016-Q2")


@pytest.fixture
def fgw(db, make_department):
    return make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")


def _import(actor, historical="", dry_run=False, rows=OLD_PLAN, mapping=None):
    return ledger_import(
        actor=actor,
        name="2016方案.xlsx",
        data=files.xlsx(rows),
        dry_run=dry_run,
        historical=historical,
        mapping=mapping,
    )


def test_preview_counts_the_rows_whose_deadline_has_passed(fgw, office_user):
    preview = _import(office_user, dry_run=True)
    assert [p.past_due for p in preview.staged.plans] == [True, True, False]
    assert preview.staged.past_due_count == 2
    assert Task.objects.count() == 0


def test_an_old_plan_imported_as_ordinary_tasks_is_scored_as_late(fgw, office_user):
    _import(office_user)
    assert on_time_completion(Q2_2016, [fgw.pk])[fgw.pk].value == 0.0


@pytest.mark.parametrize(("historical", "state"), [("done", "closed"), ("excluded", "not_started")])
def test_an_old_plan_imported_as_history_is_not_scored(fgw, office_user, historical, state):
    _import(office_user, historical=historical)
    old = Task.objects.filter(deadline__lt=date(2017, 1, 1)).order_by("serial")
    assert [(t.state, t.in_assessment) for t in old] == [(state, False), (state, False)]
    ongoing = Task.objects.get(ongoing=True)
    assert (ongoing.state, ongoing.in_assessment) == ("not_started", True)  # only past-due rows are history
    measured = on_time_completion(Q2_2016, [fgw.pk])[fgw.pk]
    assert measured.value is None  # nothing of the old plan is due in the unit's score


def test_a_unit_created_by_import_is_not_assessed_until_included(fgw, office_user):
    rows = [*OLD_PLAN[:2], [1, "推行企业登记全程电子化。", "市数据局", "", "持续推进"]]
    _import(office_user, rows=rows, mapping={"市数据局": "new:city"})
    created = Department.objects.get(name="市数据局")
    assert (created.kind, created.in_assessment) == ("city", False)
    assert [pk for pk, _ in eligible_departments(["city"])["city"]] == [fgw.pk]
    org_services.department_update(actor=office_user, department=created, in_assessment=True)
    assert [pk for pk, _ in eligible_departments(["city"])["city"]] == [fgw.pk, created.pk]
