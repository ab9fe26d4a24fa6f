from datetime import date

from django.urls import reverse

from yingshang.ledger.models import Measure, Milestone, PolicyDocument, Task, TaskDepartment
from yingshang.ledger.tests.conftest import pdf


def test_office_registers_document_and_adds_task(ledger, login, client):
    login(ledger["office"])
    response = client.post(
        reverse("ledger:document_create"),
        {
            "title": "关于进一步优化营商环境的实施意见",
            "doc_number": "示政办发〔2026〕3号",
            "issued_on": "2026-03-01",
            "source_file": pdf("实施意见.pdf"),
        },
    )
    document = PolicyDocument.objects.get(doc_number="示政办发〔2026〕3号")
    assert response["Location"] == reverse("ledger:document", args=[document.pk])
    response = client.post(
        reverse("ledger:task_create", args=[document.pk]),
        {
            "measure_title": "提升政务服务效能",
            "measure_serial": "1",
            "serial": "1.1",
            "title": "企业开办一日办结",
            "leads": [ledger["lead"].pk, ledger["other"].pk],
            "cos": [ledger["co"].pk],
            "deadline": "2026-12-31",
            "cycle": "quarter",
            "category": ledger["category"].pk,
            "metric": "办结时间",
            "target_value": "1",
            "unit": "日",
        },
    )
    task = Task.objects.get(title="企业开办一日办结")
    assert response["Location"] == reverse("ledger:task", args=[task.pk])
    assert (
        task.primary_lead == ledger["lead"]
        and task.cycle == "quarter"
        and task.measure.title == "提升政务服务效能"
    )
    roles = list(
        TaskDepartment.objects.filter(task=task).values_list("department__name", "role", "is_primary")
    )
    assert roles == [
        ("示例市牵头局", "lead", True),
        ("示例市无关局", "lead", False),
        ("示例市配合局", "co", False),
    ]


def test_task_create_refuses_missing_deadline_and_non_office(ledger, login, client):
    document = ledger["document"]
    login(ledger["office"])
    client.post(
        reverse("ledger:task_create", args=[document.pk]),
        {"measure": ledger["measure"].pk, "title": "无时限任务", "leads": [ledger["lead"].pk]},
    )
    assert not Task.objects.filter(title="无时限任务").exists()
    login(ledger["liaison"])
    response = client.post(
        reverse("ledger:task_create", args=[document.pk]),
        {"measure": ledger["measure"].pk, "title": "越权任务", "leads": [ledger["lead"].pk], "ongoing": "1"},
    )
    assert response.status_code == 403 and not Task.objects.filter(title="越权任务").exists()
    assert Measure.objects.count() == 1


def test_adjust_form_keeps_departments_unless_changed(ledger, login, client):
    task = ledger["make_task"](
        lead_departments=[ledger["other"], ledger["lead"]], primary_lead=ledger["lead"]
    )
    login(ledger["office"])
    # The form posts the current selection in list order; nothing about the departments changes.
    client.post(
        reverse("ledger:adjust", args=[task.pk]),
        {
            "version": 0,
            "reason": "调整时限",
            "deadline": "2027-01-31",
            "leads": [ledger["other"].pk, ledger["lead"].pk],
            "cos": [ledger["co"].pk],
        },
    )
    task.refresh_from_db()
    assert task.deadline == date(2027, 1, 31) and task.primary_lead == ledger["lead"]
    client.post(
        reverse("ledger:adjust", args=[task.pk]),
        {"version": 1, "reason": "调整分工", "leads": [ledger["other"].pk], "cos": [ledger["lead"].pk]},
    )
    task.refresh_from_db()
    assert task.primary_lead == ledger["other"] and task.version == 2


def test_lead_marks_milestone_done_and_co_cannot(ledger, login, client):
    task = ledger["make_task"](milestones=[("完成系统开发", date(2026, 6, 30))])
    milestone = Milestone.objects.get(task=task)
    login(ledger["co_liaison"])
    client.post(reverse("ledger:milestone_done", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on is None
    login(ledger["liaison"])
    client.post(reverse("ledger:milestone_done", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    from yingshang.core.events import timeline_for

    assert timeline_for(task).filter(action="milestone").count() == 1
