"""Large files take the bulk path: the result must be what task_create would have written, row by row."""

import pytest

from bench.generate.workbook import build_workbook
from yingshang.audit.models import AuditRecord
from yingshang.core import bulk
from yingshang.core.errors import ValidationFailed
from yingshang.core.events import timeline_for
from yingshang.ledger import services as ledger_services
from yingshang.ledger.importing import commit
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.models import Measure, PolicyDocument, Task, TaskDepartment

ROWS = commit.BULK_THRESHOLD + 30


@pytest.fixture
def plan(db, make_department, office_user):
    names = []
    for i in range(40):
        make_department(f"示例市基准测试第{i}局", short_name=f"市基准{i}局", code=f"B{i:03d}")
        names.append(f"市基准{i}局")
    return build_workbook(ROWS, names)


def test_bulk_rows_match_what_task_create_writes(plan, office_user):
    outcome = ledger_import(actor=office_user, name="大表.xlsx", data=plan, dry_run=False)
    assert outcome.committed and outcome.counts == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert Task.objects.count() == ROWS and Measure.objects.count() == ROWS
    document = PolicyDocument.objects.get()
    tasks = list(Task.objects.order_by("sort_order").prefetch_related("task_departments__department"))
    for task, row in zip(tasks, outcome.result.rows, strict=True):
        links = sorted(task.task_departments.all(), key=lambda td: td.sort_order)
        leads = [td.department.short_name for td in links if td.role == "lead"]
        cos = [td.department.short_name for td in links if td.role == "co"]
        assert leads == [u.written for u in row.lead]
        assert cos == [u.written for u in row.co if u not in row.lead]
        assert [td.is_primary for td in links if td.role == "lead"] == [True] + [False] * (len(leads) - 1)
        assert task.primary_lead.short_name == leads[0]
        assert (task.deadline, task.ongoing) == (
            None if row.deadline.ongoing else row.deadline.date,
            row.deadline.ongoing,
        )
        assert task.cycle == (row.deadline.cycle or "month")
        assert task.source_key == f"doc{document.pk}:{commit.task_digest(row.task)}:1"
        assert task.state == "not_started"
        expected = ledger_services.task_thresholds(task)
        assert (task.yellow_at, task.red_at, task.missing_at) == (
            expected.yellow_at,
            expected.red_at,
            expected.missing_at,
        )
        assert [e.label for e in timeline_for(task)] == ["任务建立"]
        assert task.measure.title == task.title and task.measure.document_id == document.pk
    assert tasks[0].category.name == "政务环境" and tasks[-1].category.name == "干事环境"
    batch = AuditRecord.objects.get(action="task.create_many")
    assert batch.after["count"] == ROWS and sorted(batch.after["ids"]) == sorted(t.pk for t in tasks)
    assert AuditRecord.objects.filter(action="ledger.import").count() == 1
    again = ledger_import(actor=office_user, name="大表.xlsx", data=plan, dry_run=True)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": ROWS}


def test_bulk_version_and_defaults_equal_a_single_create(plan, office_user):
    ledger_import(actor=office_user, name="大表.xlsx", data=plan, dry_run=False)
    bulk = Task.objects.order_by("id").first()
    single = ledger_services.task_create(
        actor=office_user,
        measure=bulk.measure,
        title="对照任务",
        lead_departments=[bulk.primary_lead],
        deadline=bulk.deadline,
        ongoing=bulk.ongoing,
        cycle=bulk.cycle,
    )
    fields = [
        "version",
        "state",
        "percent",
        "is_priority",
        "metric",
        "unit",
        "target_value",
        "last_report_on",
        "closed_on",
    ]
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]
    assert bulk.start_date == single.start_date and bulk.created_at is not None


def test_bulk_failure_rolls_everything_back(plan, office_user, monkeypatch):
    real = bulk.insert_rows

    def failing(model, fields, rows):
        if model is TaskDepartment:
            raise ValidationFailed("模拟写入失败。")
        return real(model, fields, rows)

    monkeypatch.setattr(bulk, "insert_rows", failing)
    with pytest.raises(ValidationFailed):
        ledger_import(actor=office_user, name="大表.xlsx", data=plan, dry_run=False)
    assert (PolicyDocument.objects.count(), Measure.objects.count(), Task.objects.count()) == (0, 0, 0)
    assert not AuditRecord.objects.filter(action__in=["ledger.import", "task.create_many"]).exists()


def test_preview_parse_is_reused_on_confirm(plan, office_user):
    preview = ledger_import(actor=office_user, name="大表.xlsx", data=plan, dry_run=True)
    outcome = ledger_import(
        actor=office_user, name="大表.xlsx", data=b"", dry_run=False, parsed=preview.result
    )
    assert outcome.committed and Task.objects.count() == ROWS
