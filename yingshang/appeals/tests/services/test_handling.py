from unittest import mock

import pytest

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, Dispatch, ExtensionRequest, SourceSystem, WebhookDelivery
from yingshang.appeals.services import intake as intake_services
from yingshang.appeals.tests.conftest import intake
from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ApplicationError, PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.office_settings import office_setting_change
from yingshang.org import roles as r


def test_dispatch_with_co_handlers_and_co_sign(walk, office_user, dept, other_dept, other_liaison):
    appeal = walk("submitted")
    services.appeal_dispatch(
        actor=office_user, appeal=appeal, main_department=dept, co_departments=[other_dept.pk]
    )
    rows = {d.department_id: d for d in Dispatch.objects.filter(appeal=appeal)}
    assert rows[dept.pk].role == "main" and rows[other_dept.pk].role == "co"
    services.dispatch_sign_co(actor=other_liaison, dispatch=rows[other_dept.pk])
    assert Dispatch.objects.get(pk=rows[other_dept.pk].pk).signed_at is not None
    with pytest.raises(TransitionRefused):
        services.dispatch_sign_co(actor=other_liaison, dispatch=rows[other_dept.pk])


def test_return_requires_reason_and_goes_back_to_office(walk, liaison, office_user, other_dept):
    appeal = walk("dispatched")
    with pytest.raises(ValidationFailed):
        services.appeal_return(actor=liaison, appeal=appeal, reason="", note="")
    with pytest.raises(ValidationFailed):
        services.appeal_return(actor=liaison, appeal=appeal, reason="other", note=" ")
    assert Appeal.objects.get(pk=appeal.pk).state == "dispatched"
    services.appeal_return(actor=liaison, appeal=appeal, reason="territory", note="属南湖区管辖")
    dispatch = Dispatch.objects.get(appeal=appeal)
    assert dispatch.return_reason == "territory" and dispatch.returned_at and not dispatch.is_current
    services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=other_dept)
    appeal.refresh_from_db()
    assert (appeal.state, appeal.round, appeal.main_department) == ("dispatched", 2, other_dept)


def test_unsatisfied_reopens_to_same_department_until_limit(walk, office_user, liaison, dept, ent_user):
    appeal = walk("replied", actor=ent_user)
    services.appeal_follow_up(
        actor=ent_user, appeal=appeal, satisfaction="unsatisfied", solved=False, note="未修"
    )
    appeal.refresh_from_db()
    assert (appeal.state, appeal.round, appeal.reopen_count, appeal.main_department) == (
        "dispatched",
        2,
        1,
        dept,
    )
    assert Dispatch.objects.filter(appeal=appeal, round=2, department=dept, role="main").exists()
    office_setting_change(actor=office_user, key="appeals.max_reopens", raw_value="1")
    services.appeal_sign(actor=liaison, appeal=appeal)
    services.appeal_reply(actor=liaison, appeal=appeal, content="已再次协调相关部门现场核查并解决。")
    services.appeal_follow_up(actor=ent_user, appeal=appeal, satisfaction="unsatisfied", solved=False)
    appeal.refresh_from_db()
    assert appeal.state == "concluded"  # reopen limit reached: concluded as unsatisfied
    assert list(appeal.followups.values_list("round", "satisfaction")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
    ]


def test_extension_approved_moves_the_reply_limit(walk, liaison, office_user):
    appeal = walk("signed")
    dispatch = Dispatch.objects.get(appeal=appeal)
    old = dispatch.reply_deadline
    with pytest.raises(ValidationFailed):
        services.extension_request(actor=liaison, appeal=appeal, days=30, reason="需现场核查")
    extension = services.extension_request(actor=liaison, appeal=appeal, days=3, reason="需现场核查")
    with pytest.raises(TransitionRefused):
        services.extension_request(actor=liaison, appeal=appeal, days=2, reason="再申请")
    with pytest.raises(PermissionRefused):
        services.extension_decide(actor=liaison, extension=extension, approve=True)
    services.extension_decide(actor=office_user, extension=extension, approve=True, note="同意")
    dispatch.refresh_from_db()
    assert dispatch.reply_deadline == extension.new_deadline > old
    assert Appeal.objects.get(pk=appeal.pk).reply_deadline == extension.new_deadline


def test_extension_refused_needs_a_note_and_keeps_the_limit(walk, liaison, office_user):
    appeal = walk("signed")
    old = Dispatch.objects.get(appeal=appeal).reply_deadline
    extension = services.extension_request(actor=liaison, appeal=appeal, days=2, reason="需协调")
    with pytest.raises(ValidationFailed):
        services.extension_decide(actor=office_user, extension=extension, approve=False, note="")
    services.extension_decide(actor=office_user, extension=extension, approve=False, note="理由不充分")
    assert ExtensionRequest.objects.get(pk=extension.pk).state == "refused"
    assert Dispatch.objects.get(appeal=appeal).reply_deadline == old


def test_extension_only_by_main_department_while_signed(walk, other_liaison, liaison):
    from yingshang.core.errors import NotFound

    with pytest.raises(NotFound):
        services.extension_request(actor=other_liaison, appeal=walk("signed"), days=2, reason="x")
    with pytest.raises(TransitionRefused):
        services.extension_request(actor=liaison, appeal=walk("dispatched"), days=2, reason="x")


def test_mark_unreasonable_is_audited(walk, office_user, liaison):
    appeal = walk("concluded")
    followup = appeal.followups.get()
    with pytest.raises(ApplicationError):
        services.followup_mark_unreasonable(actor=liaison, followup=followup, reason="x")
    with pytest.raises(ValidationFailed):
        services.followup_mark_unreasonable(actor=office_user, followup=followup, reason="")
    services.followup_mark_unreasonable(actor=office_user, followup=followup, reason="诉求超出法定范围")
    followup.refresh_from_db()
    assert followup.unreasonable and followup.unreasonable_by == office_user
    record = AuditRecord.objects.get(action="appeal.mark_unreasonable")
    assert record.after == {"unreasonable": True, "reason": "诉求超出法定范围"}


@pytest.fixture
def hotline(make_user):
    account = make_user()
    return SourceSystem.objects.create(
        code="12345",
        name="市12345热线",
        account=account,
        webhook_url="http://127.0.0.1:9/hook",
        webhook_secret="s3",
    )


def test_status_changes_are_pushed_back_with_retries(
    walk, hotline, office_user, dept, django_capture_on_commit_callbacks
):
    appeal, created = services.appeal_intake(
        actor=hotline.account,
        payload={**intake(), "external_id": "RX-1"},
        idempotency_key="k1",
        source_system=hotline,
    )
    assert created and appeal.source_system == hotline
    failing = mock.Mock(status_code=503)
    with (
        mock.patch("requests.post", return_value=failing) as post,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    delivery = WebhookDelivery.objects.get(appeal=appeal)
    assert post.call_count == 1
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 503")
    assert delivery.payload["state"] == "dispatched" and delivery.payload["external_id"] == "RX-1"
    first_delay = (delivery.next_attempt_at - delivery.created_at).total_seconds()
    ok = mock.Mock(status_code=200)
    with mock.patch("requests.post", return_value=failing):
        assert services.webhook_deliver(delivery_id=delivery.pk, now=delivery.next_attempt_at) == "retry"
    delivery.refresh_from_db()
    second_delay = (delivery.next_attempt_at - delivery.created_at).total_seconds()
    assert second_delay > first_delay + 50  # 30 s, then 60 s more
    with mock.patch("requests.post", return_value=ok) as post:
        assert services.webhook_retry_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    headers = post.call_args.kwargs["headers"]
    body = post.call_args.kwargs["data"]
    assert headers["X-Yingshang-Signature"] == "sha256=" + services.sign_body("s3", body)


def test_gives_up_after_max_attempts(walk, hotline, office_user, dept, django_capture_on_commit_callbacks):
    office_setting_change(actor=office_user, key="appeals.webhook_max_attempts", raw_value="1")
    appeal, _ = services.appeal_intake(
        actor=hotline.account, payload=intake(), idempotency_key="k2", source_system=hotline
    )
    import requests

    with (
        mock.patch("requests.post", side_effect=requests.ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    assert WebhookDelivery.objects.get(appeal=appeal).status == "failed"


def test_web_appeals_push_nothing(walk):
    walk("concluded")
    assert WebhookDelivery.objects.count() == 0


def test_intake_idempotent(db, hotline):
    payload = intake()
    a, created_a = services.appeal_intake(
        actor=hotline.account, payload=payload, idempotency_key="same", source_system=hotline
    )
    b, created_b = services.appeal_intake(
        actor=hotline.account, payload=dict(payload), idempotency_key="same", source_system=hotline
    )
    assert (created_a, created_b, a.pk) == (True, False, b.pk)
    with pytest.raises(services.IdempotencyConflict):
        services.appeal_intake(
            actor=hotline.account,
            payload={**payload, "description": "不同内容"},
            idempotency_key="same",
            source_system=hotline,
        )
    assert Appeal.objects.count() == 1


def test_intake_race_resolved_by_the_constraint(db, hotline):
    payload = intake()
    first, _ = services.appeal_intake(
        actor=hotline.account, payload=payload, idempotency_key="race", source_system=hotline
    )
    # No look-up before the insert (most requests are new): the unique constraint refuses the second
    # insert, the transaction rolls back whole, and only then is the first appeal looked up.
    with mock.patch.object(intake_services, "_replay", wraps=intake_services._replay) as replay:
        again, created = services.appeal_intake(
            actor=hotline.account, payload=payload, idempotency_key="race", source_system=hotline
        )
    assert (again.pk, created, replay.call_count) == (first.pk, False, 1)
    assert Appeal.objects.count() == 1


def test_office_role_required_for_invalid_closing(walk, liaison):
    appeal = walk("submitted")
    with pytest.raises(PermissionRefused):
        services.appeal_close_invalid(actor=liaison, appeal=appeal, reason="spam", note="x")
    assert Appeal.objects.get(pk=appeal.pk).state == "submitted"
    _ = r


def test_demo_appeals_are_varied():
    from collections import Counter

    from yingshang.appeals.demo import TEMPLATES

    titles = [t[2] for t in TEMPLATES]
    assert len(set(titles)) == len(titles) >= 60
    per_department = Counter(t[1] for t in TEMPLATES)
    assert per_department["SCJ"] >= 10 and len(per_department) >= 20
