import smtplib
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from yingshang.core.errors import ValidationFailed
from yingshang.core.office_settings import office_setting_change
from yingshang.notify import services
from yingshang.notify.channels import LoggingSmsGateway
from yingshang.notify.models import ChannelPreference, Delivery, Notification
from yingshang.org import roles as r

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def webhook_delivery(department_robot):
    def make(person, url, flavor="wecom"):
        services.preferences_set(actor=person, choices={"reminder": {"webhook"}})
        department_robot(person, url, flavor=flavor)
        services.notify(recipients=[person], kind="reminder", title="催办", body="请尽快办理")
        return Delivery.objects.get()

    return make


@pytest.fixture
def person(make_user):
    user = make_user(r.LIAISON)
    user.email = "liaison@example.gov.cn"
    user.mobile = "13900001111"
    user.save(update_fields=["email", "mobile"])
    return user


def test_notify_writes_inbox_only_by_default(person, make_user):
    other = make_user(r.OFFICE)
    rows = services.notify(
        recipients=[person, other, person], kind="reminder", title="请按时反馈", body="正文"
    )
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=person, title="请按时反馈", read_at=None).count() == 1
    assert Delivery.objects.count() == 0


def test_inactive_recipient_gets_nothing_and_unknown_kind_refused(person):
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert services.notify(recipients=[person], kind="reminder", title="x") == []
    with pytest.raises(ValidationFailed):
        services.notify(recipients=[person], kind="no-such-kind", title="x")


def test_chosen_channels_become_deliveries_sent_after_commit(
    person, robot, department_robot, django_capture_on_commit_callbacks
):
    services.preferences_set(actor=person, choices={"reminder": {"email", "sms", "webhook"}})
    department_robot(person, robot.url, flavor="dingtalk")
    LoggingSmsGateway.sent.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(
            recipients=[person],
            kind="reminder",
            title="催办：任务即将到期",
            body="请于3个工作日内反馈",
            link="/ledger/1/",
        )
    assert len(callbacks) == 1
    by_channel = {d.channel: d for d in Delivery.objects.all()}
    assert set(by_channel) == {"email", "sms", "webhook"}
    assert {d.status for d in by_channel.values()} == {"sent"}
    assert [m.subject for m in mail.outbox] == ["【营商平台】催办：任务即将到期"]
    assert mail.outbox[0].to == ["liaison@example.gov.cn"]
    assert LoggingSmsGateway.sent == [("13900001111", "【营商平台】催办：任务即将到期")]
    assert robot.received[0]["msgtype"] == "markdown"
    assert robot.received[0]["markdown"]["title"] == "催办：任务即将到期"
    assert "请于3个工作日内反馈" in robot.received[0]["markdown"]["text"]
    # Other kinds still go to the inbox only.
    services.notify(recipients=[person], kind="system", title="系统维护")
    assert Delivery.objects.count() == 3


def test_webhook_answering_500_is_recorded_and_retried_with_backoff(person, robot, webhook_delivery):
    robot.status = 500
    delivery = webhook_delivery(person, robot.url)
    before = timezone.now()
    assert services.delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "HTTP 500" in delivery.last_error
    first_wait = (delivery.next_attempt_at - before).total_seconds()
    assert 59 <= first_wait <= 62
    # Not due yet: a second worker (or the sweep) does not send it early.
    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"
    assert services.deliveries_due() == []
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.deliveries_due() == [delivery.pk]
    before = timezone.now()
    assert services.delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert 119 <= (delivery.next_attempt_at - before).total_seconds() <= 122
    robot.status = 200
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.delivery_attempt(delivery_id=delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(robot.received) == 3


def test_webhook_errcode_is_a_failure(person, robot, webhook_delivery):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    delivery = webhook_delivery(person, robot.url)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert "93000" in delivery.last_error


def test_webhook_that_times_out_is_recorded(person, robot, webhook_delivery):
    office_setting_change(actor=None, key="notify_webhook_timeout_seconds", raw_value="1")
    robot.delay = 2.5
    delivery = webhook_delivery(person, robot.url)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "1 秒内无响应" in delivery.last_error


def test_gives_up_after_max_attempts_but_keeps_the_record(person, robot, webhook_delivery):
    office_setting_change(actor=None, key="notify_max_attempts", raw_value="2")
    robot.status = 500
    delivery = webhook_delivery(person, robot.url)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "retry"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert services.deliveries_due() == []
    # The office sends it again by hand.
    robot.status = 200
    services.delivery_retry(actor=None, delivery=delivery)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "sent"


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_TIMEOUT=2
)
def test_smtp_server_down_is_recorded_and_the_request_unaffected(person, django_capture_on_commit_callbacks):
    services.preferences_set(actor=person, choices={"reminder": {"email"}})
    with override_settings(EMAIL_PORT=_free_port()), django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=[person], kind="reminder", title="催办")
    assert len(rows) == 1  # the caller got its notice; the mail failure stays in the outbox
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in delivery.last_error or "SMTP" in delivery.last_error


def test_a_claimed_delivery_is_not_sent_twice_and_stale_claims_return(person, robot, webhook_delivery):
    delivery = webhook_delivery(person, robot.url)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=timezone.now())
    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"
    assert services.deliveries_due() == []
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - timedelta(minutes=20))
    assert services.deliveries_due() == [delivery.pk]
    assert services.delivery_attempt(delivery_id=delivery.pk) == "sent"
    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"
    assert len(robot.received) == 1


def test_mark_read_only_touches_own_notices(person, make_user):
    other = make_user(r.OFFICE)
    services.notify(recipients=[person, other], kind="system", title="一")
    services.notify(recipients=[person], kind="system", title="二")
    assert services.notifications_mark_read(actor=person) == 2
    assert Notification.objects.filter(recipient=other, read_at=None).count() == 1


def test_preferences_are_replaced_and_audited(person):
    from yingshang.audit.models import AuditRecord

    services.preferences_set(actor=person, choices={"reminder": {"email"}, "instruction": {"sms"}})
    services.preferences_set(actor=person, choices={"reminder": {"webhook"}})
    on = {p.kind: p.channels() for p in ChannelPreference.objects.filter(user=person) if p.channels()}
    assert on == {"reminder": ["webhook"]}
    assert AuditRecord.objects.filter(action="notify.preferences").count() == 2


def test_smtp_exception_class_is_kept():
    assert issubclass(smtplib.SMTPException, Exception)
