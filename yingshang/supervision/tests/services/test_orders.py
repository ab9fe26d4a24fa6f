import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document

from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.models import TimelineEntry
from yingshang.notify.models import Notification
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.supervision import services
from yingshang.supervision.documents import order_notice
from yingshang.supervision.models import OrderSequence, SupervisionOrder
from yingshang.supervision.services.orders import _next_order_seq

pytestmark = pytest.mark.django_db


def later(days=20):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def instruction(people, dept):
    return services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请尽快协调解决用地问题", deadline=later(30)
    )


def issue(people, target, **kw):
    kw.setdefault("requirement", "请于时限内书面答复办理情况")
    kw.setdefault("reply_deadline", later())
    return services.order_issue(actor=people[r.OFFICE], target=target, **kw)


def test_orders_are_numbered_per_year(people, instruction):
    year = timezone.localdate().year
    first = issue(people, instruction)
    second = issue(people, instruction, level="listed")
    assert (first.number, second.number) == (f"督办〔{year}〕1号", f"督办〔{year}〕2号")
    assert OrderSequence.objects.get(year=year).last == 2
    OrderSequence.objects.create(year=year + 1, last=0)
    assert _next_order_seq(year + 1) == 1


def test_issue_writes_timeline_on_both_and_notifies_department(people, instruction, dept):
    order = issue(people, instruction, level="key")
    assert order.department == dept and order.state == "issued"
    assert order.target_label == "领导批示：请尽快协调解决用地问题"
    labels = list(
        TimelineEntry.objects.filter(object_id=instruction.pk, action="supervision_order").values_list(
            "label", flat=True
        )
    )
    assert labels == [f"下发重点督办单 {order.number}"]
    # 重点 and 挂牌 orders also reach the department head.
    assert set(
        Notification.objects.filter(kind="supervision_order").values_list("recipient_id", flat=True)
    ) == {
        people[r.LIAISON].pk,
        people[r.DEPT_HEAD].pk,
    }


def test_order_on_closed_item_is_refused(people, instruction):
    services.instruction_transition(
        actor=people[r.LIAISON],
        instruction=instruction,
        action="reply",
        data={"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    services.instruction_transition(actor=people[r.LEADER], instruction=instruction, action="conclude")
    with pytest.raises(ValidationFailed) as exc:
        issue(people, instruction)
    assert "已办结" in exc.value.message
    assert SupervisionOrder.objects.count() == 0
    assert not OrderSequence.objects.filter(last__gt=0).exists()


def test_bad_orders_are_refused(people, instruction, dept):
    with pytest.raises(PermissionRefused):
        services.order_issue(
            actor=people[r.LEADER], target=instruction, requirement="x", reply_deadline=later()
        )
    with pytest.raises(ValidationFailed):
        issue(people, instruction, reply_deadline=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        issue(people, instruction, requirement="  ")
    order = issue(people, instruction)
    with pytest.raises(ValidationFailed):  # an order is not itself a target of orders
        issue(people, order)
    org_services.department_update(actor=None, department=dept, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        issue(people, instruction)
    assert "停用" in exc.value.message
    assert SupervisionOrder.objects.count() == 1


def test_default_reply_deadline_counts_working_days(people, instruction):
    from yingshang.workdays.calendar import add_workdays

    order = services.order_issue(actor=people[r.OFFICE], target=instruction, requirement="请答复")
    assert order.reply_deadline == add_workdays(timezone.localdate(), 5)


def test_reissue_makes_a_new_numbered_order_linked_to_the_old(people, instruction):
    order = issue(people, instruction)
    services.order_transition(actor=people[r.LIAISON], order=order, action="sign")
    services.order_transition(
        actor=people[r.LIAISON],
        order=order,
        action="answer",
        data={"reply": "正在协调相关部门，本周内形成解决方案"},
    )
    with pytest.raises(ValidationFailed):
        services.order_transition(
            actor=people[r.OFFICE], order=order, action="reissue", data={"reason": "答复不具体"}
        )
    order.refresh_from_db()
    assert order.state == "answered"
    services.order_transition(
        actor=people[r.OFFICE],
        order=order,
        action="reissue",
        data={"reason": "答复不具体", "reply_deadline": later(10).isoformat()},
    )
    order.refresh_from_db()
    new = SupervisionOrder.objects.get(previous=order)
    assert order.state == "reissued"
    assert (new.state, new.seq, new.reply_deadline, new.level) == (
        "issued",
        order.seq + 1,
        later(10),
        order.level,
    )
    assert "重新督办：答复不具体" in new.requirement


def test_notice_docx(people, instruction):
    order = issue(people, instruction, level="listed")
    doc = Document(BytesIO(order_notice(order)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "督办通知单" in text and order.number in text
    assert "挂牌督办" in cells and order.department.name in cells
    assert f"{later().year}年{later().month}月{later().day}日前" in cells


def test_orders_for_department_counts_on_time_answers(people, instruction, dept):
    from yingshang.supervision.selectors import orders_for_department

    answered = issue(people, instruction, reply_deadline=later(5))
    issue(people, instruction, reply_deadline=later(6))
    services.order_transition(actor=people[r.LIAISON], order=answered, action="sign")
    services.order_transition(
        actor=people[r.LIAISON],
        order=answered,
        action="answer",
        data={"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    services.order_transition(actor=people[r.OFFICE], order=answered, action="conclude")
    got = orders_for_department(dept.pk, timezone.localdate(), later(10))
    assert got == {"total": 2, "answered_on_time": 1, "concluded": 1, "overdue_open": 0}
    assert orders_for_department(dept.pk, later(11), later(20))["total"] == 0
