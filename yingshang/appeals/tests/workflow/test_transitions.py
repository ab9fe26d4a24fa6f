"""Every (state, action, role) triple of the appeal workflow: allowed ones move the appeal, refused ones
change nothing."""

from typing import Any

import pytest

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, Dispatch, FollowUp, Reply
from yingshang.appeals.tests.conftest import ROLES
from yingshang.appeals.workflow import APPEAL_WORKFLOW, DISPATCH_WORKFLOW
from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ApplicationError, ConcurrentChange, PermissionRefused, TransitionRefused
from yingshang.core.models import TimelineEntry
from yingshang.org import roles as r

STATES = ["submitted", "dispatched", "signed", "returned", "replied", "concluded", "closed"]
ACTIONS = ["dispatch", "sign", "return", "reply", "conclude", "reopen", "close_invalid"]

# Written out by hand from the design, not derived from the table under test.
ALLOWED = {
    ("submitted", "dispatch", "office"): "dispatched",
    ("returned", "dispatch", "office"): "dispatched",
    ("dispatched", "sign", "liaison"): "signed",
    ("dispatched", "sign", "dept_head"): "signed",
    ("dispatched", "return", "liaison"): "returned",
    ("dispatched", "return", "dept_head"): "returned",
    ("signed", "reply", "liaison"): "replied",
    ("signed", "reply", "dept_head"): "replied",
    ("replied", "conclude", "office"): "concluded",
    ("replied", "conclude", "enterprise"): "concluded",
    ("replied", "reopen", "office"): "dispatched",
    ("replied", "reopen", "enterprise"): "dispatched",
    # The anonymous submitter rates on the tracking page (an appeal no account owns).
    ("replied", "conclude", "anonymous"): "concluded",
    ("replied", "reopen", "anonymous"): "dispatched",
    ("submitted", "close_invalid", "office"): "closed",
    ("returned", "close_invalid", "office"): "closed",
    ("dispatched", "close_invalid", "office"): "closed",
    ("signed", "close_invalid", "office"): "closed",
}


TARGET: dict[str, Any] = {}  # the department dispatches go to, set by the test


def act(action, user, appeal):
    if action == "dispatch":
        return services.appeal_dispatch(actor=user, appeal=appeal, main_department=TARGET["dept"])
    if action == "sign":
        return services.appeal_sign(actor=user, appeal=appeal)
    if action == "return":
        return services.appeal_return(actor=user, appeal=appeal, reason="territory", note="")
    if action == "reply":
        return services.appeal_reply(actor=user, appeal=appeal, content="已协调相关部门解决企业反映的问题。")
    if action == "conclude":
        return services.appeal_follow_up(actor=user, appeal=appeal, satisfaction="basic", solved=True)
    if action == "reopen":
        return services.appeal_follow_up(actor=user, appeal=appeal, satisfaction="unsatisfied", solved=False)
    if action == "close_invalid":
        return services.appeal_close_invalid(actor=user, appeal=appeal, reason="spam", note="无关广告")
    raise AssertionError(action)


def snapshot(appeal):
    row = Appeal.objects.get(pk=appeal.pk)
    return (
        row.state,
        row.version,
        row.round,
        row.main_department_id,
        Dispatch.objects.filter(appeal=appeal).count(),
        Reply.objects.filter(appeal=appeal).count(),
        FollowUp.objects.filter(appeal=appeal).count(),
        TimelineEntry.objects.count(),
        AuditRecord.objects.count(),
    )


def test_table_matches_the_design():
    table = {
        (s, t.action, role): t.target
        for t in APPEAL_WORKFLOW.transitions
        for s in t.sources
        for role in t.roles
    }
    assert table == ALLOWED


@pytest.mark.parametrize("state", STATES)
def test_every_action_and_role(state, walk, users_by_role, dept, liaison):
    TARGET["dept"] = dept
    users = users_by_role(dept, liaison=liaison)
    # The enterprise account submits, as only its own appeals are its to rate; the anonymous submitter
    # rates only what it submitted without an account.
    shared = walk(state, actor=users[r.ENTERPRISE])
    for action in ACTIONS:
        for role in ROLES:
            key = (state, action, role)
            if key in ALLOWED:
                appeal = walk(state, actor=None if role == "anonymous" else users[r.ENTERPRISE])
                act(action, users[role], appeal)
                appeal.refresh_from_db()
                assert appeal.state == ALLOWED[key], key
            else:
                before = snapshot(shared)
                shared.refresh_from_db()
                with pytest.raises(ApplicationError) as info:
                    act(action, users[role], shared)
                assert isinstance(info.value, TransitionRefused | PermissionRefused), (key, info.value)
                assert snapshot(shared) == before, key


def test_other_department_cannot_act(walk, other_liaison):
    appeal = walk("dispatched")
    before = snapshot(appeal)
    with pytest.raises(PermissionRefused):
        services.appeal_sign(actor=other_liaison, appeal=appeal)
    assert snapshot(appeal) == before


def test_other_enterprise_cannot_follow_up(walk, make_user):
    from yingshang.appeals.tests.conftest import credit_code
    from yingshang.org import services as org_services

    stranger = org_services.enterprise_create(actor=None, credit_code=credit_code(99), name="另一家企业")
    user = make_user(r.ENTERPRISE, enterprise=stranger)
    appeal = walk("replied")
    before = snapshot(appeal)
    with pytest.raises(PermissionRefused):
        services.appeal_follow_up(actor=user, appeal=appeal, satisfaction="satisfied", solved=True)
    assert snapshot(appeal) == before


def test_two_office_users_dispatching_at_once(walk, make_user, dept, other_dept):
    appeal = walk("submitted")
    first, second = make_user(r.OFFICE), make_user(r.OFFICE)
    seen_by_second = Appeal.objects.get(pk=appeal.pk)
    services.appeal_dispatch(actor=first, appeal=appeal, main_department=dept, seen_version=0)
    before = snapshot(appeal)
    with pytest.raises(ConcurrentChange):
        services.appeal_dispatch(
            actor=second, appeal=seen_by_second, main_department=other_dept, seen_version=0
        )
    assert snapshot(appeal) == before
    assert list(Dispatch.objects.filter(appeal=appeal).values_list("department_id", flat=True)) == [dept.pk]


def test_signing_a_returned_appeal_is_refused(walk, liaison):
    appeal = walk("returned")
    before = snapshot(appeal)
    with pytest.raises(TransitionRefused) as info:
        services.appeal_sign(actor=liaison, appeal=appeal)
    assert "已退单" in info.value.message
    assert snapshot(appeal) == before


def test_reply_after_redispatch_elsewhere_is_refused(walk, liaison, other_liaison, other_dept, office_user):
    appeal = walk("returned")
    services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=other_dept)
    services.appeal_sign(actor=other_liaison, appeal=appeal)
    stale = Appeal.objects.get(pk=appeal.pk)
    before = snapshot(appeal)
    with pytest.raises(PermissionRefused):
        services.appeal_reply(actor=liaison, appeal=stale, content="我局已处理，问题已解决并告知企业")
    assert snapshot(appeal) == before


def test_reply_with_stale_version_is_refused(walk, liaison, make_user, dept):
    appeal = walk("signed")
    colleague = make_user(r.DEPT_HEAD, department=dept)
    stale = Appeal.objects.get(pk=appeal.pk)
    services.appeal_reply(actor=colleague, appeal=appeal, content="第一份答复：已协调相关部门解决问题")
    with pytest.raises(ConcurrentChange):
        services.appeal_reply(
            actor=liaison,
            appeal=stale,
            content="第二份答复：已协调相关部门解决问题",
            seen_version=stale.version,
        )
    assert Reply.objects.filter(appeal=appeal).count() == 1


# The co-handling part's own workflow (协办签收): written out by hand, as above.
DISPATCH_STATES = ["pending", "signed"]
DISPATCH_ALLOWED = {
    ("pending", "co_sign", "liaison"): "signed",
    ("pending", "co_sign", "dept_head"): "signed",
}


def test_dispatch_table_matches_the_design():
    table = {
        (s, t.action, role): t.target
        for t in DISPATCH_WORKFLOW.transitions
        for s in t.sources
        for role in t.roles
    }
    assert table == DISPATCH_ALLOWED


def dispatch_snapshot(dispatch):
    row = Dispatch.objects.get(pk=dispatch.pk)
    return (row.state, row.version, row.signed_at, TimelineEntry.objects.count(), AuditRecord.objects.count())


@pytest.mark.parametrize("state", DISPATCH_STATES)
def test_every_co_sign_state_and_role(state, walk, make_user, users_by_role, office_user, dept, other_dept):
    def co_part():
        appeal = walk("submitted")
        services.appeal_dispatch(
            actor=office_user, appeal=appeal, main_department=dept, co_departments=[other_dept.pk]
        )
        part = Dispatch.objects.get(appeal=appeal, role=Dispatch.Role.CO)
        if state == "signed":
            services.dispatch_sign_co(actor=make_user(r.LIAISON, department=other_dept), dispatch=part)
            part.refresh_from_db()
        return part

    users = users_by_role(other_dept)
    shared = co_part()
    for role in ROLES:
        key = (state, "co_sign", role)
        if key in DISPATCH_ALLOWED:
            part = co_part()
            services.dispatch_sign_co(actor=users[role], dispatch=part)
            part.refresh_from_db()
            assert (part.state, part.signed_by) == (DISPATCH_ALLOWED[key], users[role]), key
        else:
            before = dispatch_snapshot(shared)
            with pytest.raises(ApplicationError) as info:
                services.dispatch_sign_co(actor=users[role], dispatch=Dispatch.objects.get(pk=shared.pk))
            assert isinstance(info.value, TransitionRefused | PermissionRefused), (key, info.value)
            assert dispatch_snapshot(shared) == before, key


def test_main_department_cannot_sign_a_co_part_nor_a_lapsed_one(walk, office_user, dept, other_dept, liaison):
    appeal = walk("submitted")
    services.appeal_dispatch(
        actor=office_user, appeal=appeal, main_department=dept, co_departments=[other_dept.pk]
    )
    part = Dispatch.objects.get(appeal=appeal, role=Dispatch.Role.CO)
    before = dispatch_snapshot(part)
    with pytest.raises(PermissionRefused):
        services.dispatch_sign_co(actor=liaison, dispatch=part)  # the main department's liaison
    assert dispatch_snapshot(part) == before
    services.appeal_close_invalid(actor=office_user, appeal=appeal, reason="spam", note="广告")
    lapsed = Dispatch.objects.get(pk=part.pk)
    assert not lapsed.is_current
    from yingshang.appeals.permissions import co_signable

    assert co_signable(liaison, [lapsed]) == []
