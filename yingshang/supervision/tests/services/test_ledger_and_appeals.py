"""Supervision on the other apps' items through the target registry. Skipped where those apps (built in
parallel) are not importable or have not registered."""

import pytest
from django.utils import timezone

from yingshang.core.errors import ValidationFailed
from yingshang.core.events import timeline_for
from yingshang.notify.models import Notification
from yingshang.org import roles as r
from yingshang.supervision import services, targets
from yingshang.supervision.models import Reminder, SupervisionOrder
from yingshang.workdays.calendar import add_workdays

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(people, dept):
    ledger = pytest.importorskip("yingshang.ledger.services")
    if "ledger.task" not in targets.REGISTRY:
        pytest.skip("ledger.task not registered")
    office = people[r.OFFICE]
    document = ledger.policy_document_create(actor=office, title="示例市优化营商环境若干措施")
    measure = ledger.measure_create(actor=office, document=document, title="提升政务服务效能")
    return ledger.task_create(
        actor=office,
        measure=measure,
        title="企业开办时间压缩至1个工作日",
        lead_departments=[dept],
        deadline=add_workdays(timezone.localdate(), 20),
    )


def test_order_on_a_ledger_task_and_refused_once_cancelled(task, people, dept):
    ledger = pytest.importorskip("yingshang.ledger.services")
    order = services.order_issue(actor=people[r.OFFICE], target=task, requirement="请加快进度", level="key")
    assert (order.department_id, order.target_label) == (dept.pk, "重点任务：企业开办时间压缩至1个工作日")
    assert any(e.action == "supervision_order" for e in timeline_for(task))
    ledger.task_transition(actor=people[r.OFFICE], task=task, action="cancel", data={"reason": "职能调整"})
    task.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.order_issue(actor=people[r.OFFICE], target=task, requirement="请加快进度")
    assert SupervisionOrder.objects.count() == 1


def test_ledger_task_deadline_is_reminded(task, people):
    kind = targets.REGISTRY["ledger.task"]
    stats = services.reminder_scan(today=task.deadline, types=["ledger.task"])
    assert (stats["examined"], stats["sent"]) == (1, 1)
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.slot, reminder.object_id) == ("due", task.deadline, task.pk)
    assert Notification.objects.get(recipient=people[r.LIAISON], kind="reminder").link == kind.url_for(
        task.pk
    )
    assert services.reminder_scan(today=task.deadline, types=["ledger.task"])["sent"] == 0


def test_appeal_reply_deadline_is_reminded_and_orderable(people, dept):
    appeals = pytest.importorskip("yingshang.appeals.services")
    if "appeals.appeal" not in targets.REGISTRY:
        pytest.skip("appeals.appeal not registered")
    appeal = appeals.appeal_submit(
        actor=None,
        data={
            "enterprise_name": "示例科技有限公司",
            "credit_code": "91370100MA3C8XYR28",
            "contact_name": "王经理",
            "contact_phone": "13912345678",
            "category": "help",
            "title": "办理施工许可反复补材料",
            "description": "企业反映施工许可办理中多次被要求补充材料，希望一次性告知。",
        },
    )
    appeals.appeal_dispatch(actor=people[r.OFFICE], appeal=appeal, main_department=dept)
    appeal.refresh_from_db()
    kind = targets.REGISTRY["appeals.appeal"]
    deadline = kind.deadline_of(appeal)
    assert deadline is not None and kind.department_id_of(appeal) == dept.pk
    stats = services.reminder_scan(today=deadline, types=["appeals.appeal"])
    assert stats["sent"] == 1
    assert Reminder.objects.get().object_id == appeal.pk
    order = services.order_issue(actor=people[r.OFFICE], target=appeal, requirement="请于今日答复企业")
    assert order.target_label == "企业诉求：办理施工许可反复补材料"
