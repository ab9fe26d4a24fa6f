"""Walk every (state, action, role) triple of the task workflow, including the refused ones."""

import itertools

import pytest

from yingshang.core.errors import ApplicationError
from yingshang.core.office_settings import office_setting_change
from yingshang.ledger import services
from yingshang.ledger import workflow as wf
from yingshang.ledger.models import CloseOutRequest, Task
from yingshang.org import roles as r

WHO = ["office", "lead_liaison", "lead_head", "co_liaison", "inspector", "leader", "discipline"]
LEADS = {"lead_liaison", "lead_head"}

# (state, action) -> (who may, target); every other triple is refused.
EXPECTED_HEAD_OFF: dict[tuple[str, str], tuple[set[str], str | None]] = {
    (wf.NOT_STARTED, "start"): (LEADS, wf.IN_PROGRESS),
    (wf.NOT_STARTED, "request_close"): (LEADS, wf.CLOSE_REQUESTED),
    (wf.NOT_STARTED, "cancel"): ({"office"}, wf.CANCELLED),
    (wf.NOT_STARTED, "adjust"): ({"office"}, wf.NOT_STARTED),
    (wf.IN_PROGRESS, "request_close"): (LEADS, wf.CLOSE_REQUESTED),
    (wf.IN_PROGRESS, "cancel"): ({"office"}, wf.CANCELLED),
    (wf.IN_PROGRESS, "adjust"): ({"office"}, wf.IN_PROGRESS),
    (wf.HEAD_REVIEW, "head_approve"): ({"lead_head"}, wf.CLOSE_REQUESTED),
    (wf.HEAD_REVIEW, "head_reject"): ({"lead_head"}, wf.IN_PROGRESS),
    (wf.HEAD_REVIEW, "cancel"): ({"office"}, wf.CANCELLED),
    (wf.CLOSE_REQUESTED, "approve_close"): ({"office"}, wf.CLOSED),
    (wf.CLOSE_REQUESTED, "reject_close"): ({"office"}, wf.IN_PROGRESS),
    (wf.CLOSE_REQUESTED, "cancel"): ({"office"}, wf.CANCELLED),
    (wf.CLOSED, "reopen"): ({"office"}, wf.IN_PROGRESS),
    (wf.CANCELLED, "reopen"): ({"office"}, wf.IN_PROGRESS),
}
# With the department-head setting on, the request goes to the head instead.
EXPECTED_HEAD_ON = {k: v for k, v in EXPECTED_HEAD_OFF.items() if k[1] != "request_close"} | {
    (wf.NOT_STARTED, "request_close_to_head"): (LEADS, wf.HEAD_REVIEW),
    (wf.IN_PROGRESS, "request_close_to_head"): (LEADS, wf.HEAD_REVIEW),
}
DATA = {"reason": "理由", "summary": "已完成", "evidence": ["验收.pdf"]}


@pytest.fixture
def actors(ledger, make_user):
    return {
        "office": ledger["office"],
        "lead_liaison": ledger["liaison"],
        "lead_head": ledger["head"],
        "co_liaison": ledger["co_liaison"],
        "inspector": make_user(r.INSPECTOR),
        "leader": make_user(r.LEADER),
        "discipline": make_user(r.DISCIPLINE),
    }


def _task_in(ledger, state):
    task = ledger["make_task"]()
    Task.objects.filter(pk=task.pk).update(state=state)
    if state in (wf.CLOSE_REQUESTED, wf.HEAD_REVIEW):
        CloseOutRequest.objects.create(task=task, summary="已完成", requested_by=ledger["liaison"])
    return Task.objects.get(pk=task.pk)


@pytest.mark.parametrize("head_on", [False, True])
def test_every_state_action_role(ledger, actors, head_on):
    if head_on:
        office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")
    expected = EXPECTED_HEAD_ON if head_on else EXPECTED_HEAD_OFF
    walked = 0
    for state, action, who in itertools.product(wf.TASK_STATES, wf.TASK.actions, WHO):
        task = _task_in(ledger, state)
        allowed, target = expected.get((state, action), (set(), None))
        if who in allowed:
            services.task_transition(actor=actors[who], task=task, action=action, data=DATA, seen_version=0)
            fresh = Task.objects.get(pk=task.pk)
            assert (fresh.state, fresh.version) == (target, 1), (state, action, who)
        else:
            with pytest.raises(ApplicationError):
                services.task_transition(
                    actor=actors[who], task=task, action=action, data=DATA, seen_version=0
                )
            fresh = Task.objects.get(pk=task.pk)
            assert (fresh.state, fresh.version) == (state, 0), (state, action, who)
        walked += 1
    assert walked == len(wf.TASK_STATES) * len(wf.TASK.actions) * len(WHO)


def test_required_inputs_refused_and_nothing_changes(ledger):
    task = _task_in(ledger, wf.IN_PROGRESS)
    for action, data in [
        ("request_close", {"summary": "已完成"}),
        ("cancel", {}),
        ("adjust", {"reason": " "}),
    ]:
        with pytest.raises(ApplicationError):
            services.task_transition(
                actor=ledger["liaison" if action == "request_close" else "office"],
                task=task,
                action=action,
                data=data,
            )
        fresh = Task.objects.get(pk=task.pk)
        assert (fresh.state, fresh.version) == (wf.IN_PROGRESS, 0)


def test_annual_approval_only_for_annual_request(ledger):
    task = _task_in(ledger, wf.CLOSE_REQUESTED)
    CloseOutRequest.objects.filter(task=task).update(kind="annual", year=2026)
    with pytest.raises(ApplicationError):
        services.task_transition(actor=ledger["office"], task=task, action="approve_close", data=DATA)
    services.task_transition(actor=ledger["office"], task=task, action="approve_annual", data=DATA)
    assert Task.objects.get(pk=task.pk).state == wf.IN_PROGRESS


def test_concurrent_change_loses(ledger):
    from yingshang.core.errors import ConcurrentChange

    task = _task_in(ledger, wf.IN_PROGRESS)
    services.task_transition(
        actor=ledger["office"], task=Task.objects.get(pk=task.pk), action="adjust", data={"reason": "先调整"}
    )
    with pytest.raises(ConcurrentChange):
        services.task_transition(
            actor=ledger["office"], task=task, action="cancel", data={"reason": "后取消"}, seen_version=0
        )
    assert Task.objects.get(pk=task.pk).state == wf.IN_PROGRESS


def test_extension_workflow_every_triple(ledger, actors):
    from datetime import date

    for state, action, who in itertools.product(wf.EXTENSION.states, wf.EXTENSION.actions, WHO):
        task = ledger["make_task"]()
        ext = services.extension_request(
            actor=ledger["liaison"], task=task, requested_deadline=date(2027, 6, 30), reason="理由"
        )
        type(ext).objects.filter(pk=ext.pk).update(state=state)
        ext.refresh_from_db()
        ok = state == "pending" and who == "office"
        if ok:
            services.extension_decide(
                actor=actors[who], extension=ext, approve=action == "approve", note="意见"
            )
            ext.refresh_from_db()
            assert ext.state == ("approved" if action == "approve" else "refused")
        else:
            with pytest.raises(ApplicationError):
                services.extension_decide(
                    actor=actors[who], extension=ext, approve=action == "approve", note="意见"
                )
            ext.refresh_from_db()
            assert (ext.state, ext.version) == (state, 0)
