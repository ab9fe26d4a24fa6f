from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.events import timeline_for
from yingshang.core.office_settings import office_setting_change
from yingshang.core.uploads import attachments_for
from yingshang.ledger import services
from yingshang.ledger.models import CloseOutRequest, Contribution, ProgressReport, Task, TaskDepartment
from yingshang.ledger.tests.conftest import pdf


def aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


def test_task_create_writes_departments_thresholds_timeline_and_audit(ledger):
    task = ledger["make_task"](source_key="doc1:row1", metric="开办时间", target_value=1, unit="个工作日")
    rows = list(
        TaskDepartment.objects.filter(task=task).values_list("department__name", "role", "is_primary")
    )
    assert rows == [("示例市牵头局", "lead", True), ("示例市配合局", "co", False)]
    assert task.state == "not_started" and task.primary_lead == ledger["lead"]
    assert task.target_value == Decimal("1") and task.document == ledger["document"]
    assert (task.yellow_at, task.red_at, task.missing_at) == (
        date(2026, 4, 9),
        date(2026, 10, 14),
        date(2026, 7, 8),
    )
    assert [e.action for e in timeline_for(task)] == ["create"]
    assert AuditRecord.objects.filter(action="task.create", object_id=str(task.pk)).count() == 1


def test_task_create_refuses_duplicate_source_key_and_missing_lead(ledger):
    ledger["make_task"](source_key="k1")
    with pytest.raises(ValidationFailed):
        ledger["make_task"](source_key="k1")
    with pytest.raises(ValidationFailed):
        ledger["make_task"](lead_departments=[])
    with pytest.raises(ValidationFailed):
        ledger["make_task"](deadline=None, ongoing=False)
    assert Task.objects.count() == 1


def test_only_office_creates_tasks(ledger):
    with pytest.raises(PermissionRefused):
        ledger["make_task"](actor=ledger["liaison"])
    assert Task.objects.count() == 0


def test_first_report_starts_task_is_late_and_folds_contributions(ledger):
    task = ledger["make_task"]()
    contribution = services.contribution_submit(actor=ledger["co_liaison"], task=task, text="已完成系统对接")
    report = services.progress_report_submit(
        actor=ledger["liaison"],
        task=task,
        text="已出台实施方案",
        percent=30,
        metric_value=2,
        evidence=[pdf()],
        submitted_at=aware(2026, 4, 10),
    )
    task.refresh_from_db()
    assert report.period_start == date(2026, 1, 1)
    assert report.is_late is True
    assert task.state == "in_progress" and task.percent == 30 and task.last_period == date(2026, 1, 1)
    assert task.last_report_on == date(2026, 4, 10)
    # Q2 now owed: yellow after its due date (7 July), missing after the Q3 due date, red after Q4's.
    assert (task.yellow_at, task.missing_at) == (date(2026, 7, 8), date(2026, 10, 14))
    contribution.refresh_from_db()
    assert contribution.report == report
    assert [a.original_name for a in attachments_for(report)] == ["证明材料.pdf"]
    assert [e.action for e in timeline_for(task)] == ["create", "contribution", "start", "report"]


def test_report_on_time_is_not_late_and_same_cycle_twice_refused(ledger):
    task = ledger["make_task"]()
    services.progress_report_submit(
        actor=ledger["liaison"], task=task, text="进展", percent=10, submitted_at=aware(2026, 4, 8)
    )
    assert ProgressReport.objects.get().is_late is False
    with pytest.raises(ValidationFailed):
        services.progress_report_submit(
            actor=ledger["liaison"],
            task=task,
            text="再报",
            percent=20,
            period_start=date(2026, 1, 1),
            submitted_at=aware(2026, 4, 8),
        )
    assert ProgressReport.objects.count() == 1


def test_cooperating_and_unrelated_departments_cannot_report(ledger):
    task = ledger["make_task"]()
    for user in (ledger["co_liaison"], ledger["other_liaison"], ledger["office"]):
        with pytest.raises(PermissionRefused):
            services.progress_report_submit(actor=user, task=task, text="x", percent=1)
    with pytest.raises(PermissionRefused):
        services.contribution_submit(actor=ledger["liaison"], task=task, text="x")
    assert ProgressReport.objects.count() == 0 and Contribution.objects.count() == 0
    task.refresh_from_db()
    assert task.state == "not_started" and task.version == 0


def test_wrong_evidence_type_refused_before_anything_stored(ledger):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = ledger["make_task"]()
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed):
        services.progress_report_submit(
            actor=ledger["liaison"], task=task, text="x", percent=1, evidence=[bad]
        )
    assert ProgressReport.objects.count() == 0


def test_close_out_without_evidence_refused(ledger):
    task = ledger["make_task"]()
    with pytest.raises(ValidationFailed) as exc:
        services.close_out_request(actor=ledger["liaison"], task=task, summary="已完成", evidence=[])
    assert "证明材料" in exc.value.message
    task.refresh_from_db()
    assert task.state == "not_started" and task.version == 0
    assert CloseOutRequest.objects.count() == 0


def test_close_out_approve_and_reject_with_reasons(ledger):
    task = ledger["make_task"]()
    services.progress_report_submit(actor=ledger["liaison"], task=task, text="x", percent=90)
    request = services.close_out_request(
        actor=ledger["liaison"], task=task, summary="已全部完成", evidence=[pdf()]
    )
    assert task.state == "close_requested" and (task.yellow_at, task.red_at) == (None, None)
    assert [a.original_name for a in attachments_for(request)] == ["证明材料.pdf"]
    with pytest.raises(ValidationFailed):
        services.close_out_review(actor=ledger["office"], task=task, approve=False, reason="")
    services.close_out_review(actor=ledger["office"], task=task, approve=False, reason="缺少验收材料")
    request.refresh_from_db()
    assert request.outcome == "rejected" and request.review_note == "缺少验收材料"
    assert task.state == "in_progress"
    services.close_out_request(
        actor=ledger["liaison"], task=task, summary="补充验收材料", evidence=[pdf("验收.pdf")]
    )
    services.close_out_review(actor=ledger["office"], task=task, approve=True, reason="同意")
    task.refresh_from_db()
    assert task.state == "closed" and task.closed_on == timezone.localdate() and task.percent == 100
    services.task_reopen(actor=ledger["office"], task=task, reason="复查发现问题")
    task.refresh_from_db()
    assert task.state == "in_progress" and task.closed_on is None


def test_head_approval_setting_routes_request_to_department_head(ledger):
    office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")
    task = ledger["make_task"]()
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    assert task.state == "head_review"
    with pytest.raises(PermissionRefused):
        services.close_out_head_decide(actor=ledger["liaison"], task=task, approve=True)
    services.close_out_head_decide(actor=ledger["head"], task=task, approve=True)
    assert task.state == "close_requested"
    request = CloseOutRequest.objects.get()
    assert request.head_by == ledger["head"] and request.outcome == "pending"


def test_annual_close_out_keeps_ongoing_task_open(ledger):
    task = ledger["make_task"](deadline=None, ongoing=True, cycle="month")
    services.close_out_request(
        actor=ledger["liaison"], task=task, summary="年度完成", evidence=[pdf()], annual=True, year=2026
    )
    services.close_out_review(actor=ledger["office"], task=task, approve=True, reason="同意年度销号")
    task.refresh_from_db()
    assert task.state == "in_progress"
    assert list(CloseOutRequest.objects.values_list("kind", "year", "outcome")) == [
        ("annual", 2026, "approved")
    ]
    with pytest.raises(ValidationFailed):
        services.close_out_request(
            actor=ledger["liaison"], task=task, summary="再次", evidence=[pdf()], annual=True, year=2026
        )
    with pytest.raises(ValidationFailed):
        services.close_out_request(
            actor=ledger["liaison"], task=ledger["make_task"](), summary="x", evidence=[pdf()], annual=True
        )


def test_extension_request_and_decision(ledger):
    task = ledger["make_task"]()
    services.progress_report_submit(
        actor=ledger["liaison"],
        task=task,
        text="x",
        percent=50,
        period_start=date(2026, 10, 1),
        submitted_at=aware(2026, 11, 2),
    )
    with pytest.raises(ValidationFailed):
        services.extension_request(
            actor=ledger["liaison"], task=task, requested_deadline=date(2026, 6, 30), reason="x"
        )
    with pytest.raises(PermissionRefused):
        services.extension_request(
            actor=ledger["co_liaison"], task=task, requested_deadline=date(2027, 3, 31), reason="x"
        )
    ext = services.extension_request(
        actor=ledger["liaison"], task=task, requested_deadline=date(2027, 3, 31), reason="需等待省级系统上线"
    )
    with pytest.raises(PermissionRefused):
        services.extension_decide(actor=ledger["liaison"], extension=ext, approve=True)
    services.extension_decide(actor=ledger["office"], extension=ext, approve=True, note="同意")
    task.refresh_from_db()
    assert ext.state == "approved" and task.deadline == date(2027, 3, 31)
    assert task.red_at == date(2027, 4, 1)
    ext2 = services.extension_request(
        actor=ledger["liaison"], task=task, requested_deadline=date(2027, 6, 30), reason="再延"
    )
    with pytest.raises(ValidationFailed):
        services.extension_decide(actor=ledger["office"], extension=ext2, approve=False, note="")
    services.extension_decide(actor=ledger["office"], extension=ext2, approve=False, note="理由不充分")
    task.refresh_from_db()
    assert ext2.state == "refused" and task.deadline == date(2027, 3, 31)


def test_adjust_changes_deadline_and_departments_with_reason(ledger):
    task = ledger["make_task"]()
    with pytest.raises(ValidationFailed):
        services.task_adjust(
            actor=ledger["office"], task=task, reason="", changes={"deadline": date(2027, 1, 31)}
        )
    services.task_adjust(
        actor=ledger["office"],
        task=task,
        reason="市政府调整分工",
        changes={
            "deadline": date(2027, 1, 31),
            "lead_departments": [ledger["other"]],
            "co_departments": [ledger["lead"]],
        },
    )
    task.refresh_from_db()
    assert task.deadline == date(2027, 1, 31) and task.primary_lead == ledger["other"] and task.version == 1
    roles = dict(TaskDepartment.objects.filter(task=task).values_list("department__name", "role"))
    assert roles == {"示例市无关局": "lead", "示例市牵头局": "co"}
    services.task_cancel(actor=ledger["office"], task=task, reason="任务合并")
    with pytest.raises(TransitionRefused):
        services.task_adjust(
            actor=ledger["office"], task=task, reason="x", changes={"deadline": date(2027, 2, 1)}
        )
    task.refresh_from_db()
    assert task.state == "cancelled" and task.deadline == date(2027, 1, 31) and task.version == 2


def test_stale_version_refused(ledger):
    from yingshang.core.errors import ConcurrentChange

    task = ledger["make_task"]()
    services.task_cancel(actor=ledger["office"], task=Task.objects.get(pk=task.pk), reason="重复任务")
    with pytest.raises((ConcurrentChange, TransitionRefused)):
        services.task_cancel(actor=ledger["office"], task=task, reason="重复任务", seen_version=0)


def test_warnings_scan_recomputes_after_setting_change(ledger):
    task = ledger["make_task"]()
    office_setting_change(actor=ledger["office"], key="ledger_report_due_workdays", raw_value="3")
    assert services.warnings_refresh_all() == 1
    task.refresh_from_db()
    assert task.yellow_at == date(2026, 4, 4)  # 1, 2, 3 April
    assert services.warnings_refresh_all() == 0
