"""Walk every (status, action, role) triple of the report approval and the close-out outcome tables,
including the refused ones, and check that nothing changed when refused."""

import itertools
from datetime import date

import pytest

from yingshang.core.errors import ApplicationError
from yingshang.core.office_settings import office_setting_change
from yingshang.ledger import services
from yingshang.ledger import workflow as wf
from yingshang.ledger.models import CloseOutRequest, ProgressReport, Task
from yingshang.ledger.services._common import set_status
from yingshang.ledger.tests.conftest import pdf
from yingshang.ledger.tests.workflow.test_task_workflow import WHO, actors  # noqa: F401 (fixture)

REPORT = ProgressReport.Status
EXPECTED_REPORT: dict[tuple[str, str], tuple[set[str], str | None]] = {
    (REPORT.PENDING_HEAD, "head_approve"): ({"lead_head"}, REPORT.ACCEPTED),
    (REPORT.PENDING_HEAD, "head_return"): ({"lead_head"}, REPORT.RETURNED),
}

OUTCOME = CloseOutRequest.Outcome
EXPECTED_OUTCOME: dict[tuple[str, str], tuple[set[str], str | None]] = {
    (OUTCOME.PENDING, "head_reject"): ({"lead_head"}, OUTCOME.REJECTED),
    (OUTCOME.PENDING, "approve"): ({"office"}, OUTCOME.APPROVED),
    (OUTCOME.PENDING, "reject"): ({"office"}, OUTCOME.REJECTED),
    (OUTCOME.PENDING, "withdraw"): ({"office"}, OUTCOME.REJECTED),
}


def test_report_approval_every_status_action_role(ledger, actors):  # noqa: F811
    office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")
    walked = 0
    for status, action, who in itertools.product(wf.REPORT_APPROVAL.states, wf.REPORT_APPROVAL.actions, WHO):
        task = ledger["make_task"]()
        report = services.progress_report_submit(
            actor=ledger["liaison"], task=task, text="进展", percent=40, period_start=date(2026, 1, 1)
        )
        ProgressReport.objects.filter(pk=report.pk).update(status=status)
        report.refresh_from_db()
        allowed, target = EXPECTED_REPORT.get((status, action), (set(), None))
        decide = dict(actor=actors[who], report=report, approve=action == "head_approve", reason="理由")
        if who in allowed:
            services.progress_report_head_decide(**decide)
            assert ProgressReport.objects.get(pk=report.pk).status == target, (status, action, who)
        else:
            with pytest.raises(ApplicationError):
                services.progress_report_head_decide(**decide)
            fresh = Task.objects.get(pk=task.pk)
            assert ProgressReport.objects.get(pk=report.pk).status == status, (status, action, who)
            assert (fresh.state, fresh.version, fresh.percent) == (wf.NOT_STARTED, 0, 0)
        walked += 1
    assert walked == len(REPORT.choices) * 2 * len(WHO)


def test_report_return_needs_a_reason(ledger):
    office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")
    task = ledger["make_task"]()
    report = services.progress_report_submit(actor=ledger["liaison"], task=task, text="进展", percent=40)
    with pytest.raises(ApplicationError):
        services.progress_report_head_decide(actor=ledger["head"], report=report, approve=False, reason=" ")
    assert ProgressReport.objects.get(pk=report.pk).status == REPORT.PENDING_HEAD


def test_close_out_outcome_every_outcome_action_role(ledger, actors):  # noqa: F811
    task = ledger["make_task"]()
    walked = 0
    for outcome, action, who in itertools.product(wf.CLOSE_OUT.states, wf.CLOSE_OUT.actions, WHO):
        CloseOutRequest.objects.filter(task=task).delete()
        request = CloseOutRequest.objects.create(
            task=task, summary="已完成", requested_by=ledger["liaison"], outcome=outcome
        )
        allowed, target = EXPECTED_OUTCOME.get((outcome, action), (set(), None))
        move = dict(workflow=wf.CLOSE_OUT, field="outcome", action=action, actor=actors[who])
        if who in allowed:
            set_status(request, **move)
            assert CloseOutRequest.objects.get(pk=request.pk).outcome == target, (outcome, action, who)
        else:
            with pytest.raises(ApplicationError):
                set_status(request, **move)
            assert CloseOutRequest.objects.get(pk=request.pk).outcome == outcome, (outcome, action, who)
        walked += 1
    assert walked == len(OUTCOME.choices) * 4 * len(WHO)


def test_cancel_closes_the_pending_request(ledger):
    task = ledger["make_task"]()
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    services.task_transition(actor=ledger["office"], task=task, action="cancel", data={"reason": "不再推进"})
    request = CloseOutRequest.objects.get()
    assert (request.outcome, request.review_note) == (OUTCOME.REJECTED, "不再推进")
    assert Task.objects.get(pk=task.pk).state == wf.CANCELLED
