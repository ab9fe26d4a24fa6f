"""An old plan imported after its deadlines and the units an import creates do not move the rankings: past-due
rows imported as history are not scored, and a new unit is not ranked until the office includes it."""

import pytest
from freezegun import freeze_time

from yingshang.assessment import selectors, services
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.tests.importing import files
from yingshang.org import services as org_services
from yingshang.org.models import Department

OLD_PLAN = [
    ["示例市2026年三季度专项整治方案"],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [1, "清理规范涉企收费。", "示例市甲局", "", "2026年8月31日前"],
    [2, "推行企业登记全程电子化。", "示例市甲局", "", "2026年9月15日前"],
    [3, "建设政务数据共享平台。", "示例市数据局", "", "2026年9月20日前"],
]


def _import_and_compute(world, historical):
    with freeze_time("2026-10-10 09:00:00"):
        outcome = ledger_import(
            actor=world["office"],
            name="三季度方案.xlsx",
            data=files.xlsx(OLD_PLAN),
            dry_run=False,
            historical=historical,
            mapping={"示例市数据局": "new:city"},
        )
        assert outcome.committed and outcome.staged.past_due_count == 3
        return services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])


def _ranked(run):
    return {r.department.name: (r.score, r.rank) for r in run.results.select_related("department")}


def _lists(run):
    return {
        (g["group"], kind): [x.department_name for x in g[kind]]
        for g in selectors.red_black_lists(run)
        for kind in ("red", "black")
    }


@pytest.mark.parametrize("historical", ["done", "excluded"])
def test_an_old_plan_imported_as_history_leaves_scores_and_lists_as_they_were(world, computed, historical):
    before_scores, before_lists = _ranked(computed), _lists(computed)
    after = _import_and_compute(world, historical)
    assert _ranked(after) == before_scores
    assert _lists(after) == before_lists
    assert "示例市数据局" not in _ranked(after)


def test_the_same_plan_imported_as_ordinary_tasks_lowers_the_lead_units_score(world, computed):
    before = _ranked(computed)["示例市甲局"][0]
    after = _import_and_compute(world, "")
    assert _ranked(after)["示例市甲局"][0] < before


def test_a_unit_created_by_import_is_ranked_once_the_office_includes_it(world, computed):
    _import_and_compute(world, "done")
    created = Department.objects.get(name="示例市数据局")
    org_services.department_set_in_assessment(actor=world["office"], department=created, included=True)
    with freeze_time("2026-10-10 09:00:00"):
        run = services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])
    assert "示例市数据局" in _ranked(run)
