"""Notices: `notify` is what other apps call. The inbox row is written in the caller's transaction;
other channels become outbox rows (Delivery) sent by a background job after commit, so a slow or
broken mail server or robot never blocks nor breaks the request that caused the notice."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor, account_of
from yingshang.core.bulk import insert_rows
from yingshang.core.errors import NotFound, PermissionRefused, ValidationFailed, validation_error_fields
from yingshang.core.office_settings import get_setting

from . import robots
from .kinds import KINDS
from .models import Channel, ChannelPreference, Delivery, DepartmentRobot, Notification, WebhookFlavor
from .permissions import can_manage_robots
from .retry import backoff_seconds

logger = logging.getLogger("yingshang.notify")

# A delivery "sending" for longer than this is assumed lost with its worker and is tried again.
STALE_SENDING = timedelta(minutes=15)

if TYPE_CHECKING:
    from yingshang.org.models import User


def item_ref(item: models.Model | None) -> str:
    return f"{item._meta.label_lower}:{item.pk}" if item is not None else ""


@dataclass
class Message:
    recipient_ids: Sequence[int]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    item_ref: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    item: models.Model | None = None,
) -> list[Notification]:
    """Put a notice in each recipient's inbox and queue it on the channels each of them chose for `kind`."""
    ids = [getattr(r, "pk", r) for r in recipients]
    return notify_many(
        [Message(recipient_ids=ids, kind=kind, title=title, body=body, link=link, item_ref=item_ref(item))]
    )


@transaction.atomic
def notify_many(messages: Sequence[Message], *, fast: bool = False) -> list[Notification]:
    """Several notices in one go (the reminder scan): a fixed number of queries however many there are.
    With `fast`, notices that go to the inbox only are written with a plain multi-row INSERT and come back
    without a primary key."""
    from yingshang.org.models import User

    for m in messages:
        if m.kind not in KINDS:
            raise ValidationFailed(f"未知的消息类别：{m.kind}。", code="notify.unknown_kind")
    wanted = {uid for m in messages for uid in m.recipient_ids if uid}
    if not wanted:
        return []
    active = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    rows: list[Notification] = []
    for m in messages:
        for uid in dict.fromkeys(m.recipient_ids):
            if uid in active:
                rows.append(
                    Notification(
                        recipient_id=uid,
                        kind=m.kind,
                        title=m.title[:200],
                        body=m.body,
                        link=m.link[:500],
                        item_ref=m.item_ref,
                    )
                )
    if not rows:
        return []
    if fast:
        with_channels = _with_channels({n.recipient_id for n in rows}, {n.kind for n in rows})
        plain = [n for n in rows if (n.recipient_id, n.kind) not in with_channels]
        rows = [n for n in rows if (n.recipient_id, n.kind) in with_channels]
        now = timezone.now()
        insert_rows(
            Notification,
            ["recipient_id", "kind", "title", "body", "link", "item_ref", "created_at"],
            [(n.recipient_id, n.kind, n.title, n.body, n.link, n.item_ref, now) for n in plain],
        )
    else:
        plain = []
    created = Notification.objects.bulk_create(rows) if rows else []
    _queue_deliveries(created)
    return created + plain


def _with_channels(user_ids: set[int], kinds: set[str]) -> set[tuple[int, str]]:
    return set(
        ChannelPreference.objects.filter(user_id__in=user_ids, kind__in=kinds)
        .filter(Q(email=True) | Q(sms=True) | Q(webhook=True))
        .values_list("user_id", "kind")
    )


def _queue_deliveries(notifications: list[Notification]) -> None:
    if not notifications:
        return
    users = {n.recipient_id for n in notifications}
    kinds = {n.kind for n in notifications}
    prefs = {
        (p.user_id, p.kind): p.channels()
        for p in ChannelPreference.objects.filter(user_id__in=users, kind__in=kinds).filter(
            Q(email=True) | Q(sms=True) | Q(webhook=True)
        )
    }
    if not prefs:
        return
    addresses = _addresses({uid for uid, _ in prefs})
    now = timezone.now()
    deliveries = []
    for n in notifications:
        for channel in prefs.get((n.recipient_id, n.kind), []):
            address, flavor = addresses.get((n.recipient_id, channel), ("", ""))
            if not address:
                continue
            deliveries.append(
                Delivery(notification=n, channel=channel, address=address, flavor=flavor, next_attempt_at=now)
            )
    if deliveries:
        created = Delivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _enqueue(ids))


def _addresses(user_ids: set[int]) -> dict[tuple[int, str], tuple[str, str]]:
    from yingshang.org.models import User

    out: dict[tuple[int, str], tuple[str, str]] = {}
    users = list(User.objects.filter(pk__in=user_ids).only("pk", "email", "mobile", "department_id"))
    robots_by_department = {
        robot.department_id: robot
        for robot in DepartmentRobot.objects.filter(
            department_id__in={u.department_id for u in users if u.department_id}, enabled=True
        )
    }
    for user in users:
        if user.email:
            out[(user.pk, Channel.EMAIL)] = (user.email, "")
        if user.mobile:
            out[(user.pk, Channel.SMS)] = (user.mobile, "")
        robot = robots_by_department.get(user.department_id) if user.department_id else None
        if robot is not None:
            out[(user.pk, Channel.WEBHOOK)] = (robot.url, robot.flavor)
    return out


def _enqueue(delivery_ids: list[int]) -> None:
    from .jobs import deliver

    for pk in delivery_ids:
        try:
            deliver.enqueue(pk)
        except Exception:  # the sweep picks the row up anyway; the request must not fail for this
            logger.exception("could not enqueue delivery %s", pk)


def delivery_attempt(*, delivery_id: int) -> str:
    """Try to send one delivery now. Claims the row first, so two workers never send it twice; the network
    call runs outside any transaction; the outcome (sent, retry at T, or given up) is written after."""
    from .channels import SENDERS

    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Delivery.Status.SENDING, claimed_at=now)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    try:
        SENDERS[delivery.channel](delivery, delivery.notification)
    except Exception as exc:
        return _record_failure(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return "sent"


def _record_failure(delivery: Delivery, exc: Exception) -> str:
    from .jobs import deliver
    from .retry import requeue_later

    attempts = delivery.attempts + 1
    max_attempts = int(get_setting("notify_max_attempts"))
    error = f"{exc.__class__.__name__}: {exc}"[:1000]
    # A refused address stays refused: no retry, the office sees the reason on the deliveries page.
    give_up = attempts >= max_attempts or isinstance(exc, robots.RobotAddressRefused)
    delay = backoff_seconds(attempts, base=int(get_setting("notify_retry_base_seconds")))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
        attempts=attempts,
        last_error=f"第{attempts}次：{timezone.localtime():%Y-%m-%d %H:%M:%S} {error}",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        claimed_at=None,
    )
    logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
    if give_up:
        return "failed"
    try:
        requeue_later(deliver, delay_seconds=delay, args=(delivery.pk,))
    except Exception:
        logger.exception("could not re-queue delivery %s; the sweep will", delivery.pk)
    return "retry"


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come, after returning rows stuck in "sending" to the queue."""
    now = timezone.now()
    Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=Delivery.Status.PENDING, claimed_at=None
    )
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def delivery_retry(*, actor: Actor, delivery: Delivery) -> Delivery:
    """The office sends a given-up delivery again (its attempt count restarts)."""
    if delivery.status != Delivery.Status.FAILED:
        raise ValidationFailed("只有发送失败的消息可以重发。", code="notify.retry_not_failed")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    audit_record(
        actor=actor, action="delivery.retry", obj=delivery, before={"status": Delivery.Status.FAILED}
    )
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own notices read (all unread ones when `ids` is None)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def notification_open(*, actor: User, pk: int) -> Notification:
    try:
        notification = Notification.objects.get(pk=pk, recipient=actor)
    except Notification.DoesNotExist as exc:
        raise NotFound(code="notify.notification_missing") from exc
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[str, set[str]]) -> None:
    """`choices`: kind -> the channels (besides the inbox) the actor wants for it."""
    unknown = set(choices) - set(KINDS)
    if unknown:
        raise ValidationFailed("未知的消息类别。", code="notify.unknown_kind")
    before = {p.kind: p.channels() for p in ChannelPreference.objects.filter(user=actor)}
    for kind in KINDS:
        wanted = choices.get(kind, set())
        ChannelPreference.objects.update_or_create(
            user=actor,
            kind=kind,
            defaults={c: c in wanted for c in Channel.values},
        )
    after = {k: sorted(v) for k, v in choices.items() if v}
    audit_record(actor=actor, action="notify.preferences", obj=actor, before=before, after=after)


@transaction.atomic
def robot_set(*, actor: Actor, department_id: int, url: str, flavor: str, enabled: bool) -> DepartmentRobot:
    """The office sets (or clears, with an empty address) one department's group robot. The address is
    checked against the allow-list and its DNS answer now, and again before every send."""
    from yingshang.org.models import Department

    if not can_manage_robots(actor):
        raise PermissionRefused("只有营商办可以设置单位群机器人。", code="notify.robot_forbidden")
    try:
        department = Department.objects.get(pk=department_id)
    except Department.DoesNotExist as exc:
        raise NotFound(code="notify.department_missing") from exc
    url = (url or "").strip()
    if flavor not in WebhookFlavor.values:
        raise ValidationFailed(
            "请选择机器人类型。", code="notify.robot_flavor", fields={"flavor": ["请选择机器人类型。"]}
        )
    robot = DepartmentRobot.objects.filter(department=department).first()
    before = _robot_audit(robot)
    if not url:
        if enabled:
            raise ValidationFailed(
                "启用前请填写群机器人地址。",
                code="notify.robot_url_missing",
                fields={"url": ["请填写地址。"]},
            )
        if robot is not None:
            robot.delete()
            audit_record(actor=actor, action="notify.robot", obj=department, before=before, after={})
        return DepartmentRobot(department=department, url="", flavor=flavor, enabled=False)
    robots.check_robot_url(url)
    if robot is None:
        robot = DepartmentRobot(department=department)
    robot.url, robot.flavor, robot.enabled = url, flavor, enabled
    robot.updated_by = account_of(actor)
    try:
        robot.full_clean(exclude=["department", "updated_by"])
    except ValidationError as exc:
        raise ValidationFailed(
            "群机器人地址无效。", code="notify.robot_url_invalid", fields=validation_error_fields(exc)
        ) from exc
    robot.save()
    audit_record(actor=actor, action="notify.robot", obj=department, before=before, after=_robot_audit(robot))
    return robot


def _robot_audit(robot: DepartmentRobot | None) -> dict[str, Any]:
    if robot is None:
        return {}
    return {"url": robots.display_url(robot.url), "flavor": robot.flavor, "enabled": robot.enabled}
