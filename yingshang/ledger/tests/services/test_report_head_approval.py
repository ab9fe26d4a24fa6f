from datetime import date

import pytest

from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.office_settings import office_setting_change
from yingshang.ledger import selectors, services
from yingshang.ledger.models import Contribution, ProgressReport, Task


@pytest.fixture
def head_on(ledger):
    office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")


def test_liaison_report_waits_for_head_and_does_not_count(ledger, head_on):
    task = ledger["make_task"]()
    report = services.progress_report_submit(
        actor=ledger["liaison"], task=task, text="进展", percent=40, period_start=date(2026, 1, 1)
    )
    fresh = Task.objects.get(pk=task.pk)
    assert report.status == "pending_head"
    assert (fresh.state, fresh.percent, fresh.last_period) == ("not_started", 0, None)
    assert list(selectors.pending_reports(ledger["head"])) == [report]
    services.progress_report_head_decide(actor=ledger["head"], report=report, approve=True)
    fresh = Task.objects.get(pk=task.pk)
    assert (fresh.state, fresh.percent, fresh.last_period) == ("in_progress", 40, date(2026, 1, 1))
    assert list(selectors.pending_reports(ledger["head"])) == []


def test_head_returns_report_and_liaison_reports_again(ledger, head_on):
    task = ledger["make_task"]()
    services.contribution_submit(actor=ledger["co_liaison"], task=task, text="配合情况")
    report = services.progress_report_submit(
        actor=ledger["liaison"], task=task, text="进展", percent=40, period_start=date(2026, 1, 1)
    )
    assert Contribution.objects.get().report == report
    with pytest.raises(ValidationFailed):
        services.progress_report_head_decide(actor=ledger["head"], report=report, approve=False, reason="")
    services.progress_report_head_decide(
        actor=ledger["head"], report=report, approve=False, reason="数据不实"
    )
    report.refresh_from_db()
    assert (report.status, report.head_note) == ("returned", "数据不实")
    assert Contribution.objects.get().report is None  # back for the next report
    again = services.progress_report_submit(
        actor=ledger["liaison"], task=task, text="更正后的进展", percent=35, period_start=date(2026, 1, 1)
    )
    assert again.status == "pending_head" and ProgressReport.objects.count() == 2
    with pytest.raises(TransitionRefused):
        services.progress_report_head_decide(actor=ledger["head"], report=report, approve=True)


def test_only_lead_department_head_decides(ledger, head_on, make_user):
    from yingshang.org import roles as r

    task = ledger["make_task"]()
    report = services.progress_report_submit(actor=ledger["liaison"], task=task, text="x", percent=1)
    other_head = make_user(r.DEPT_HEAD, department=ledger["co"])
    for user in (ledger["liaison"], ledger["office"], other_head):
        with pytest.raises(PermissionRefused):
            services.progress_report_head_decide(actor=user, report=report, approve=True)
    report.refresh_from_db()
    assert report.status == "pending_head"
    assert Task.objects.get(pk=task.pk).version == 0


def test_head_own_report_counts_at_once(ledger, head_on):
    task = ledger["make_task"]()
    report = services.progress_report_submit(actor=ledger["head"], task=task, text="x", percent=10)
    assert report.status == "accepted" and Task.objects.get(pk=task.pk).state == "in_progress"
