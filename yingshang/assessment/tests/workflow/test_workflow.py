"""Every (state, action, role) of the run and objection workflows: allowed ones move the item, refused
ones change nothing."""

from datetime import date

import pytest
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.assessment import workflow as wf
from yingshang.assessment.models import AssessmentRun, Objection
from yingshang.core.errors import ApplicationError
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
