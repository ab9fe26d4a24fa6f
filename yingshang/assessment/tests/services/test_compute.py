"""Scores from known records: the hand-worked example of the `world` fixture."""

from datetime import date

import pytest
from freezegun import freeze_time

from yingshang.assessment import measures, services
from yingshang.assessment.models import AssessmentRun, IndicatorSet, ResultLine
from yingshang.assessment.periods import parse_period
from yingshang.assessment.ranking import NO_DATA_RULE
from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.ledger import services as ledger


def result(run, dept):
    return run.results.get(department=dept)


def line(run, dept, key):
    return ResultLine.objects.get(run=run, result__department=dept, measure=key)


def test_measures_count_the_records(world):
    d = world["depts"]
    ids = [x.pk for x in d.values()]
    with freeze_time("2026-10-10"):
        on_time = measures.REGISTRY["task_on_time"].compute(parse_period("2026-Q3"), ids)
        close = measures.REGISTRY["task_close_out"].compute(parse_period("2026-Q3"), ids)
    assert (on_time[d["A"].pk].numerator, on_time[d["A"].pk].denominator) == (2, 2)
    assert (on_time[d["B"].pk].numerator, on_time[d["B"].pk].denominator) == (1, 2)
    assert (on_time[d["C"].pk].numerator, on_time[d["C"].pk].denominator, on_time[d["C"].pk].value) == (
        1,
        4,
        25.0,
    )
    assert (close[d["C"].pk].numerator, close[d["C"].pk].denominator) == (2, 4)
    assert on_time[d["D"].pk].value is None and on_time[d["D"].pk].no_data_reason == "本期无到期任务"


def test_hand_worked_dtf_scores_and_ranks(world, computed):
    d = world["depts"]
    # on time: A 100, B 50, C 25 → DTF A 100, B (25−50)/(25−100)×100 = 33.33, C 0
    # close-out: A 100, B 50, C 50 → DTF A 100, B 0, C 0
    # weighted 60/40: A 100, B 20, C 0; C's bonus 3 is capped at 2.
    assert line(computed, d["B"], "task_on_time").normalised == pytest.approx(33.3333, abs=1e-3)
    assert line(computed, d["B"], "task_on_time").contribution == pytest.approx(20.0)
    assert line(computed, d["B"], "task_close_out").normalised == 0
    scores = {k: (result(computed, d[k]).score, result(computed, d[k]).rank) for k in "ABCDE"}
    assert scores == {"A": (100.0, 1), "E": (100.0, 1), "B": (20.0, 3), "C": (2.0, 4), "D": (None, None)}
    c = result(computed, d["C"])
    assert (c.weighted, c.bonuses, c.deductions) == (0.0, 2.0, 0.0)
    assert "按上限计 2 分" in c.note
    # The district is ranked in its own group; the office and the sub-unit are not assessed.
    f = result(computed, d["F"])
    assert (f.group, f.score, f.rank) == ("district", 100.0, 1)
    assert computed.results.count() == 6
    assert not computed.results.filter(department=world["ysb"]).exists()


def test_no_data_is_shown_with_the_rule_never_a_silent_zero(world, computed):
    d = world["depts"]
    res = result(computed, d["D"])
    assert res.score is None and res.rank is None
    assert res.note == "各计分指标本期均无数据，不参与排名"
    ln = line(computed, d["D"], "task_on_time")
    assert ln.raw is None and ln.normalised is None
    assert ln.no_data_reason == "本期无到期任务：该指标不计分，权重按比例分配至其他有数据的计分指标"
    assert computed.inputs["no_data_rule"] == NO_DATA_RULE


def test_missing_indicator_weight_is_redistributed(world, make_department, make_user):
    """G's only task was due before the period and closed in it: no on-time figure for 2026-Q3, a
    close-out figure of 1/1 — the close-out indicator carries G's whole weight."""
    from yingshang.org import roles as r

    g = make_department("示例市庚局")
    liaison = make_user(r.LIAISON, department=g)
    with freeze_time("2026-06-01 09:00:00"):
        t = ledger.task_create(
            actor=world["office"],
            measure=world["measure"],
            title="庚局任务",
            lead_departments=[g],
            deadline=date(2026, 6, 30),
            start_date=date(2026, 6, 1),
            cycle="quarter",
        )
    with freeze_time("2026-07-10 10:00:00"):
        ledger.close_out_request(actor=liaison, task=t, summary="已完成", evidence=[_pdf()])
        ledger.close_out_review(actor=world["office"], task=t, approve=True)
    with freeze_time("2026-10-10 09:00:00"):
        run = services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])
    on_time, close = line(run, g, "task_on_time"), line(run, g, "task_close_out")
    assert (on_time.raw, on_time.effective_weight, on_time.contribution) == (None, 0.0, 0.0)
    assert "权重按比例分配" in on_time.no_data_reason
    assert (close.raw, close.normalised, close.weight, close.effective_weight) == (100.0, 100.0, 40.0, 100.0)
    res = result(run, g)
    assert (res.score, res.rank) == (100.0, 1)
    assert res.note == "部分计分指标无数据，权重已按比例分配"
    a = line(run, world["depts"]["A"], "task_on_time")
    assert (a.weight, a.effective_weight) == (60.0, 60.0)


def test_frozen_snapshot_unchanged_after_records_change(world, computed):
    d = world["depts"]
    with freeze_time("2026-10-11 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    before = list(ResultLine.objects.filter(run=computed).order_by("id").values())
    results_before = list(computed.results.order_by("id").values())
    # The office cancels B's open task: the records change, the snapshot does not.
    with freeze_time("2026-10-12 10:00:00"):
        open_task = next(t for t in world["tasks"]["B"] if t.closed_on is None)
        ledger.task_cancel(actor=world["office"], task=open_task, reason="任务调整")
        again = services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])
    assert list(ResultLine.objects.filter(run=computed).order_by("id").values()) == before
    assert list(computed.results.order_by("id").values()) == results_before
    # Computing again made a new version beside it, which sees the new close-out.
    assert (again.pk != computed.pk, again.number, again.state) == (True, 2, "draft")
    assert line(again, d["B"], "task_close_out").denominator == 1
    assert line(computed, d["B"], "task_close_out").denominator == 2
    assert result(again, d["B"]).score == 100.0 and result(computed, d["B"]).score == 20.0


def _pdf():
    from yingshang.assessment.tests.conftest import pdf

    return pdf()


def test_recomputing_a_draft_replaces_it(world, computed):
    with freeze_time("2026-10-10 10:00:00"):
        again = services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])
    assert again.pk == computed.pk and again.number == 1
    assert AssessmentRun.objects.count() == 1


def test_freezing_twice_is_refused(world, computed):
    services.run_transition(actor=world["office"], run=computed, action="freeze")
    frozen_at = computed.frozen_at
    with pytest.raises(TransitionRefused):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    computed.refresh_from_db()
    assert (computed.state, computed.frozen_at, computed.version) == ("frozen", frozen_at, 1)


def test_period_without_departments_is_refused(db, office_user):
    s = services.indicator_set_save(
        actor=office_user, name="空", indicators=[{"measure": "task_on_time", "weight": 100}]
    )
    with pytest.raises(ValidationFailed, match="没有参评单位"):
        services.run_compute(actor=office_user, period="2026-Q3", indicator_set=s)
    assert AssessmentRun.objects.count() == 0


def test_bad_period_is_refused(world):
    with pytest.raises(ValidationFailed, match="无法识别的考核周期"):
        services.run_compute(actor=world["office"], period="2026-13", indicator_set=world["set"])
    assert AssessmentRun.objects.count() == 0


def test_weights_not_adding_up_are_refused_and_nothing_saved(db, office_user):
    with pytest.raises(ValidationFailed) as exc:
        services.indicator_set_save(
            actor=office_user,
            name="不平衡",
            indicators=[
                {"measure": "task_on_time", "weight": 60},
                {"measure": "appeal_response", "weight": 30},
            ],
        )
    assert exc.value.message == "计分指标的权重合计应为 100，当前为 90，未保存。"
    assert IndicatorSet.objects.count() == 0


def test_editing_a_set_with_bad_weights_keeps_the_old_one(world):
    s = world["set"]
    with pytest.raises(ValidationFailed):
        services.indicator_set_save(
            actor=world["office"],
            indicator_set=s,
            name="改名",
            indicators=[{"measure": "task_on_time", "weight": 50}],
        )
    s.refresh_from_db()
    assert s.name == "测试指标体系"
    assert [i.measure for i in s.indicators.all()] == [
        "task_on_time",
        "task_close_out",
        "case_deduction",
        "bonus",
    ]


def test_only_the_office_computes(world):
    with pytest.raises(PermissionRefused):
        services.run_compute(actor=world["liaisons"]["A"], period="2026-Q3", indicator_set=world["set"])
    assert AssessmentRun.objects.count() == 0


def test_publicity_objection_and_publish(world, computed):
    office, liaison = world["office"], world["liaisons"]["B"]
    with freeze_time("2026-10-12 09:00:00"):
        services.run_transition(actor=office, run=computed, action="freeze")
        services.run_transition(actor=office, run=computed, action="start_publicity")
    assert computed.publicity_start == date(2026, 10, 12)
    assert computed.publicity_end == date(2026, 10, 19)  # five working days
    with freeze_time("2026-10-13 09:00:00"):
        objection = services.objection_submit(
            actor=liaison, run=computed, reason="有一项任务已于期内完成", measure="task_on_time"
        )
    with freeze_time("2026-10-20 09:00:00"), pytest.raises(TransitionRefused, match="异议未处理"):
        services.run_transition(actor=office, run=computed, action="publish")
    services.objection_decide(
        actor=office, objection=objection, accept=False, decision="经核实，该任务逾期完成。"
    )
    with freeze_time("2026-10-16 09:00:00"), pytest.raises(TransitionRefused, match="公示期满后"):
        services.run_transition(actor=office, run=computed, action="publish")
    with freeze_time("2026-10-20 09:00:00"):
        services.run_transition(actor=office, run=computed, action="publish")
        with pytest.raises(TransitionRefused, match="公示期内"):
            services.objection_submit(actor=liaison, run=computed, reason="再议")
    computed.refresh_from_db()
    assert computed.state == "published"
    objection.refresh_from_db()
    assert (objection.state, objection.decision) == ("rejected", "经核实，该任务逾期完成。")
