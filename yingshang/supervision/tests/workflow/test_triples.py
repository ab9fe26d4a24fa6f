"""Every (state, action, role) triple of each supervision workflow: allowed ones move the item, refused
ones raise and change nothing (state, version, timeline, audit)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ApplicationError
from yingshang.core.models import Attachment, TimelineEntry
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.tests.conftest import pdf
from yingshang.supervision.workflow import CASE, FINDING, INSTRUCTION, ORDER

pytestmark = pytest.mark.django_db

ROLES = [r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER, r.ENTERPRISE]


def later(days=30):
    return timezone.localdate() + dt.timedelta(days=days)


def data():
    return {
        "reply": "已召开专题会议研究，形成整改方案并抓好落实",
        "reason": "材料不完整",
        "reply_deadline": later(40).isoformat(),
        "report": "已完成整改",
        "note": "同意",
    }


def snapshot(obj):
    obj.refresh_from_db()
    return (
        obj.state,
        obj.version,
        TimelineEntry.objects.count(),
        AuditRecord.objects.count(),
        Attachment.objects.count(),
        type(obj).objects.count(),
    )


def expected(workflow, state, action, role):
    t = workflow.find(state, action)
    return t if t is not None and role in t.roles else None


# paths from the initial state to each state: (action, role) steps
ORDER_PATHS = {
    "issued": [],
    "signed": [("sign", r.LIAISON)],
    "answered": [("sign", r.LIAISON), ("answer", r.LIAISON)],
    "concluded": [("sign", r.LIAISON), ("answer", r.LIAISON), ("conclude", r.OFFICE)],
    "reissued": [("sign", r.LIAISON), ("answer", r.LIAISON), ("reissue", r.OFFICE)],
}
INSTRUCTION_PATHS = {
    "assigned": [],
    "replied": [("reply", r.LIAISON)],
    "concluded": [("reply", r.LIAISON), ("conclude", r.LEADER)],
}
FINDING_PATHS = {
    "assigned": [],
    "reported": [("report", r.LIAISON)],
    "verified": [("report", r.LIAISON), ("verify", r.INSPECTOR)],
    "closed": [("report", r.LIAISON), ("verify", r.INSPECTOR), ("close", r.OFFICE)],
}
CASE_PATHS = {"recorded": [], "published": [("publish", r.DISCIPLINE)]}


@pytest.fixture
def finding(people, dept, make_inspection):
    return services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=make_inspection(),
        description="窗口未落实一次性告知",
        department=dept,
        rectification_deadline=later(),
    )


def run_order(people, order, action, role):
    return services.order_transition(actor=people[role], order=order, action=action, data=data())


def run_instruction(people, obj, action, role):
    return services.instruction_transition(actor=people[role], instruction=obj, action=action, data=data())


def run_finding(people, obj, action, role):
    return services.finding_transition(
        actor=people[role], finding=obj, action=action, data=data(), evidence=[pdf()]
    )


def run_case(people, obj, action, role):
    return services.case_transition(actor=people[role], case=obj, action=action, data=data())


def walk(people, obj, path, runner):
    for action, role in path:
        runner(people, obj, action, role)
    return obj


def check(workflow, state, action, role, obj, runner, people):
    want = expected(workflow, state, action, role)
    before = snapshot(obj)
    if want:
        runner(people, obj, action, role)
        obj.refresh_from_db()
        assert obj.state == want.target
        assert obj.version == before[1] + 1
        assert TimelineEntry.objects.count() > before[2]
    else:
        with pytest.raises(ApplicationError):
            runner(people, obj, action, role)
        assert snapshot(obj) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ORDER.actions)
@pytest.mark.parametrize("state", list(ORDER.states))
def test_order(state, action, role, people, finding):
    order = services.order_issue(
        actor=people[r.OFFICE], target=finding, requirement="请限期整改并书面答复", reply_deadline=later()
    )
    walk(people, order, ORDER_PATHS[state], run_order)
    check(ORDER, state, action, role, order, run_order, people)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", INSTRUCTION.actions)
@pytest.mark.parametrize("state", list(INSTRUCTION.states))
def test_instruction(state, action, role, people, dept):
    obj = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请专题研究", deadline=later()
    )
    walk(people, obj, INSTRUCTION_PATHS[state], run_instruction)
    check(INSTRUCTION, state, action, role, obj, run_instruction, people)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", FINDING.actions)
@pytest.mark.parametrize("state", list(FINDING.states))
def test_finding(state, action, role, people, finding):
    walk(people, finding, FINDING_PATHS[state], run_finding)
    check(FINDING, state, action, role, finding, run_finding, people)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", CASE.actions)
@pytest.mark.parametrize("state", list(CASE.states))
def test_case(state, action, role, people, dept):
    obj = services.case_create(
        actor=people[r.DISCIPLINE],
        title="某局窗口吃拿卡要",
        facts="经查……",
        departments=[dept],
        people=[{"name": "张三", "position": "科员"}],
        action="criticism",
        case_date=timezone.localdate(),
    )
    walk(people, obj, CASE_PATHS[state], run_case)
    check(CASE, state, action, role, obj, run_case, people)


def test_department_actions_refused_to_another_departments_staff(people, finding, make_user, make_department):
    outsider = make_user(r.LIAISON, department=make_department())
    order = services.order_issue(
        actor=people[r.OFFICE], target=finding, requirement="请整改", reply_deadline=later()
    )
    for obj, call in (
        (order, lambda: services.order_transition(actor=outsider, order=order, action="sign")),
        (
            finding,
            lambda: services.finding_transition(
                actor=outsider, finding=finding, action="report", data=data(), evidence=[pdf()]
            ),
        ),
    ):
        before = snapshot(obj)
        with pytest.raises(ApplicationError):
            call()
        assert snapshot(obj) == before


def test_stale_version_is_refused(people, finding):
    order = services.order_issue(
        actor=people[r.OFFICE], target=finding, requirement="请整改", reply_deadline=later()
    )
    seen = order.version
    services.order_transition(actor=people[r.LIAISON], order=order, action="sign")
    stale = type(order).objects.get(pk=order.pk)
    stale.state = "issued"
    with pytest.raises(ApplicationError):
        services.order_transition(actor=people[r.DEPT_HEAD], order=stale, action="sign", seen_version=seen)
