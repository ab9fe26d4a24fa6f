"""task_create_many builds every row by the rule task_create uses: the same fields, thresholds, departments,
timeline line; a bad row refuses the whole batch with the row named."""

from datetime import date

import pytest

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.events import timeline_for
from yingshang.ledger import services
from yingshang.ledger.models import Milestone, Task, TaskDepartment

FIELDS = [
    "measure_id",
    "document_id",
    "category_id",
    "serial",
    "title",
    "primary_lead_id",
    "metric",
    "target_value",
    "unit",
    "deadline",
    "deadline_text",
    "ongoing",
    "cycle",
    "start_date",
    "is_priority",
    "state",
    "version",
    "percent",
    "yellow_at",
    "red_at",
    "missing_at",
]


def _row(ledger, **kw):
    row = dict(
        measure=ledger["measure"],
        title="  企业开办全程网办  ",
        lead_departments=[ledger["lead"], ledger["other"]],
        primary_lead=ledger["other"],
        co_departments=[ledger["co"], ledger["lead"]],
        deadline=date(2026, 12, 31),
        start_date=date(2026, 1, 5),
        cycle="quarter",
        serial=" 3 ",
        metric="办理时限",
        target_value=1.5,
        unit="日",
        is_priority=True,
        deadline_text="2026年底前",
        milestones=[("完成系统改造", date(2026, 6, 30))],
    )
    row.update(kw)
    return row


def _links(task):
    return [
        (td.department_id, td.role, td.is_primary)
        for td in TaskDepartment.objects.filter(task=task).order_by("sort_order")
    ]


def test_many_writes_what_one_by_one_writes(ledger):
    single = services.task_create(actor=ledger["office"], **_row(ledger, source_key="k:1"))
    rows = [_row(ledger, source_key="k:2"), _row(ledger, source_key="k:3", ongoing=True, cycle=None)]
    many = services.task_create_many(actor=ledger["office"], rows=rows, timeline_data={"file": "表.xlsx"})
    assert [t.pk for t in many] == sorted(t.pk for t in many) and all(t.pk for t in many)
    fresh = Task.objects.get(pk=many[0].pk)
    assert [getattr(fresh, f) for f in FIELDS] == [getattr(single, f) for f in FIELDS]
    assert fresh.serial == "3" and fresh.title == "企业开办全程网办" and fresh.yellow_at is not None
    assert (
        _links(fresh)
        == _links(single)
        == [
            (ledger["lead"].pk, "lead", False),
            (ledger["other"].pk, "lead", True),
            (ledger["co"].pk, "co", False),
        ]
    )
    ongoing = Task.objects.get(pk=many[1].pk)
    assert (ongoing.deadline, ongoing.ongoing, ongoing.cycle) == (None, True, "month")
    assert ongoing.missing_at == services.task_thresholds(ongoing).missing_at
    assert list(Milestone.objects.filter(task=fresh).values_list("title", "due_on")) == [
        ("完成系统改造", date(2026, 6, 30))
    ]
    entry = timeline_for(fresh).get()
    assert (entry.action, entry.label, entry.to_state, entry.actor_id, entry.data) == (
        "create",
        "任务建立",
        "not_started",
        ledger["office"].pk,
        {"file": "表.xlsx"},
    )
    batch = AuditRecord.objects.get(action="task.create_many")
    assert batch.after == {"count": 2, "ids": [t.pk for t in many]}


@pytest.mark.parametrize(
    "bad,message",
    [
        ({"deadline": None}, "第2条，完成时限：请填写，或标记为长期任务。"),
        ({"lead_departments": []}, "第2条，请指定牵头单位。"),
        ({"serial": "x" * 40}, "第2条，序号："),
        ({"cycle": "fortnight"}, "第2条，反馈周期："),
        ({"source_key": "k:1"}, "该任务已导入过（来源标识重复）。"),
    ],
)
def test_a_bad_row_refuses_the_batch(ledger, bad, message):
    rows = [_row(ledger, source_key="k:1"), _row(ledger, **{"source_key": "k:2", **bad})]
    with pytest.raises(ValidationFailed) as refused:
        services.task_create_many(actor=ledger["office"], rows=rows)
    assert refused.value.message.startswith(message)
    assert not Task.objects.exists() and not AuditRecord.objects.filter(action="task.create_many").exists()


def test_single_create_refuses_the_same_way(ledger):
    with pytest.raises(ValidationFailed) as refused:
        services.task_create(actor=ledger["office"], **_row(ledger, deadline=None))
    assert refused.value.fields == {"deadline": ["请填写，或标记为长期任务。"]}
    services.task_create(actor=ledger["office"], **_row(ledger, source_key="k:1"))
    with pytest.raises(ValidationFailed):
        services.task_create(actor=ledger["office"], **_row(ledger, source_key="k:1"))
    assert Task.objects.count() == 1


def test_labels_name_the_row(ledger):
    with pytest.raises(ValidationFailed) as refused:
        services.task_create_many(
            actor=ledger["office"], rows=[_row(ledger, deadline=None)], labels=["任务分工表第5行"]
        )
    assert refused.value.message == "任务分工表第5行，完成时限：请填写，或标记为长期任务。"


def test_only_the_office_creates_many(ledger):
    with pytest.raises(PermissionRefused):
        services.task_create_many(actor=ledger["liaison"], rows=[_row(ledger)])
    assert not Task.objects.exists()


def test_a_source_key_already_in_the_ledger_refuses_the_batch(ledger):
    services.task_create(actor=ledger["office"], **_row(ledger, source_key="k:1"))
    rows = [_row(ledger, source_key="k:2"), _row(ledger, source_key="k:1")]
    with pytest.raises(ValidationFailed) as refused:
        services.task_create_many(actor=ledger["office"], rows=rows)
    assert refused.value.message == "该任务已导入过（来源标识重复）。"
    assert Task.objects.count() == 1 and not AuditRecord.objects.filter(action="task.create_many").exists()
