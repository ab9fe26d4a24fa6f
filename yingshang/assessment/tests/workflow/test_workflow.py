"""Every (state, action, role) of the run, objection and bonus-item workflows: allowed ones move the item, refused
ones change nothing."""

from datetime import date

import pytest
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.assessment import workflow as wf
from yingshang.assessment.models import AssessmentRun, BonusItem, Objection
from yingshang.core.errors import ApplicationError, ConcurrentChange
from yingshang.org import roles as r

ROLES = sorted(r.BUSINESS_ROLES)
NOW = "2026-11-02 09:00:00"


@pytest.fixture
def setup(db, make_department, make_user):
    dept = make_department("示例市走查局")
    users = {role: make_user(role, department=dept if role in r.DEPARTMENT_ROLES else None) for role in ROLES}
    s = services.indicator_set_save(
        actor=users[r.OFFICE], name="走查", indicators=[{"measure": "appeal_response", "weight": 100}]
    )
    return users, s


def run_in(state, users, s):
    office = users[r.OFFICE]
    with freeze_time("2026-10-10 09:00:00"):
        run = services.run_compute(actor=office, period="2026-Q3", indicator_set=s)
        if state in {wf.FROZEN, wf.PUBLICITY, wf.PUBLISHED}:
            services.run_transition(actor=office, run=run, action="freeze")
        if state in {wf.PUBLICITY, wf.PUBLISHED}:
            services.run_transition(
                actor=office, run=run, action="start_publicity", start_on=date(2026, 10, 12)
            )
    if state == wf.PUBLISHED:
        with freeze_time(NOW):
            services.run_transition(actor=office, run=run, action="publish")
    return run


EXPECTED = {
    (wf.DRAFT, "freeze"): wf.FROZEN,
    (wf.FROZEN, "start_publicity"): wf.PUBLICITY,
    (wf.PUBLICITY, "publish"): wf.PUBLISHED,
}


@pytest.mark.parametrize("state", list(wf.RUN_STATES))
@pytest.mark.parametrize("action", wf.RUN.actions)
@pytest.mark.parametrize("role", ROLES)
def test_run_transitions(setup, state, action, role):
    users, s = setup
    run = run_in(state, users, s)
    before = AssessmentRun.objects.filter(pk=run.pk).values().get()
    target = EXPECTED.get((state, action)) if role == r.OFFICE else None
    with freeze_time(NOW):
        if target:
            services.run_transition(actor=users[role], run=run, action=action)
            run.refresh_from_db()
            assert run.state == target
        else:
            with pytest.raises(ApplicationError):
                services.run_transition(actor=users[role], run=run, action=action)
            assert AssessmentRun.objects.filter(pk=run.pk).values().get() == before


def test_publish_refused_while_an_objection_is_pending(setup):
    users, s = setup
    run = run_in(wf.PUBLICITY, users, s)
    with freeze_time("2026-10-13 09:00:00"):
        services.objection_submit(actor=users[r.LIAISON], run=run, reason="数据有误")
    before = AssessmentRun.objects.filter(pk=run.pk).values().get()
    with freeze_time(NOW), pytest.raises(ApplicationError, match="1 件异议未处理"):
        services.run_transition(actor=users[r.OFFICE], run=run, action="publish")
    assert AssessmentRun.objects.filter(pk=run.pk).values().get() == before


OBJECTION_EXPECTED = {(wf.SUBMITTED, "accept"): "accepted", (wf.SUBMITTED, "reject"): "rejected"}


@pytest.mark.parametrize("state", list(wf.OBJECTION.states))
@pytest.mark.parametrize("action", wf.OBJECTION.actions)
@pytest.mark.parametrize("role", ROLES)
def test_objection_transitions(setup, state, action, role):
    users, s = setup
    run = run_in(wf.PUBLICITY, users, s)
    with freeze_time("2026-10-13 09:00:00"):
        objection = services.objection_submit(actor=users[r.LIAISON], run=run, reason="数据有误")
    if state != wf.SUBMITTED:
        services.objection_decide(
            actor=users[r.OFFICE], objection=objection, accept=state == "accepted", decision="已核实"
        )
    before = Objection.objects.filter(pk=objection.pk).values().get()
    target = OBJECTION_EXPECTED.get((state, action)) if role == r.OFFICE else None
    if target:
        services.objection_decide(
            actor=users[role], objection=objection, accept=action == "accept", decision="意见"
        )
        objection.refresh_from_db()
        assert objection.state == target
    else:
        with pytest.raises(ApplicationError):
            services.objection_decide(
                actor=users[role], objection=objection, accept=action == "accept", decision="意见"
            )
        assert Objection.objects.filter(pk=objection.pk).values().get() == before


def test_objection_needs_a_decision_text(setup):
    users, s = setup
    run = run_in(wf.PUBLICITY, users, s)
    with freeze_time("2026-10-13 09:00:00"):
        objection = services.objection_submit(actor=users[r.LIAISON], run=run, reason="数据有误")
    with pytest.raises(ApplicationError, match="处理意见"):
        services.objection_decide(actor=users[r.OFFICE], objection=objection, accept=True, decision=" ")
    objection.refresh_from_db()
    assert objection.state == wf.SUBMITTED


@pytest.mark.parametrize("role", [x for x in ROLES if x not in r.DEPARTMENT_ROLES])
def test_only_departments_object(setup, role):
    users, s = setup
    run = run_in(wf.PUBLICITY, users, s)
    with freeze_time("2026-10-13 09:00:00"), pytest.raises(ApplicationError):
        services.objection_submit(actor=users[role], run=run, reason="数据有误")
    assert not Objection.objects.exists()


BONUS_EXPECTED = {
    (BonusItem.State.PENDING, "approve"): BonusItem.State.APPROVED,
    (BonusItem.State.PENDING, "refuse"): BonusItem.State.REFUSED,
}


def bonus_in(state, users):
    dept = users[r.LIAISON].department
    item = services.bonus_item_create(
        actor=users[r.OFFICE], department=dept, title="经验做法获推广", points=2, awarded_on=date(2026, 9, 1)
    )
    if state != BonusItem.State.PENDING:
        services.bonus_item_decide(
            actor=users[r.OFFICE], item=item, approve=state == BonusItem.State.APPROVED, note="已核实"
        )
    return item


@pytest.mark.parametrize("state", list(wf.BONUS.states))
@pytest.mark.parametrize("action", wf.BONUS.actions)
@pytest.mark.parametrize("role", ROLES)
def test_bonus_transitions(setup, state, action, role):
    users, _ = setup
    item = bonus_in(state, users)
    before = BonusItem.objects.filter(pk=item.pk).values().get()
    target = BONUS_EXPECTED.get((state, action)) if role == r.OFFICE else None
    decide = {"actor": users[role], "item": item, "approve": action == "approve", "note": "意见"}
    if target:
        services.bonus_item_decide(**decide)
        item.refresh_from_db()
        assert (item.state, item.version, item.decided_by, item.decision_note) == (
            target,
            before["version"] + 1,
            users[role],
            "意见",
        )
    else:
        with pytest.raises(ApplicationError):
            services.bonus_item_decide(**decide)
        assert BonusItem.objects.filter(pk=item.pk).values().get() == before


def test_bonus_decision_on_a_stale_page_is_refused(setup):
    users, _ = setup
    item = bonus_in(BonusItem.State.PENDING, users)
    stale = BonusItem.objects.get(pk=item.pk)
    services.bonus_item_decide(actor=users[r.OFFICE], item=item, approve=True, seen_version=0)
    with pytest.raises(ConcurrentChange):
        services.bonus_item_decide(actor=users[r.OFFICE], item=stale, approve=False, seen_version=0)
    item.refresh_from_db()
    assert item.state == BonusItem.State.APPROVED
