"""Channels behind one interface: `send(delivery, notification)` returns on success and raises
`DeliveryError` (or any exception) on failure; the caller records the failure and schedules a retry."""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from yingshang.core.office_settings import get_setting

from . import robots
from .models import Channel, Delivery, DepartmentRobot, Notification, WebhookFlavor

logger = logging.getLogger("yingshang.notify")


class DeliveryError(Exception):
    pass


def _full_link(link: str) -> str:
    base = settings.YINGSHANG_SITE_URL
    return f"{base.rstrip('/')}{link}" if link.startswith("/") and base else link


def send_email(delivery: Delivery, notification: Notification) -> None:
    body = notification.body
    if notification.link:
        body = f"{body}\n\n查看详情：{_full_link(notification.link)}"
    send_mail(
        subject=f"【营商平台】{notification.title}",
        message=body,
        from_email=None,
        recipient_list=[delivery.address],
        fail_silently=False,
    )


class SmsGateway(Protocol):
    def send(self, *, mobile: str, text: str) -> None: ...


class LoggingSmsGateway:
    """The default where no SMS gateway is configured: the message is written to the log only."""

    sent: list[tuple[str, str]] = []

    def send(self, *, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile[-4:].rjust(len(mobile), "*"), text)
        self.sent.append((mobile, text))


def sms_gateway() -> SmsGateway:
    """The adapter named by settings.YINGSHANG_SMS_GATEWAY (dotted path to a class), logging by default."""
    path = settings.YINGSHANG_SMS_GATEWAY
    gateway: SmsGateway = import_string(path)()
    return gateway


def send_sms(delivery: Delivery, notification: Notification) -> None:
    sms_gateway().send(mobile=delivery.address, text=f"【营商平台】{notification.title}")


def webhook_payload(flavor: str, notification: Notification) -> dict[str, Any]:
    """The robot message: WeCom and DingTalk both accept markdown, with slightly different shapes."""
    lines = [f"### {notification.title}", notification.body]
    if notification.link:
        lines.append(f"[查看详情]({_full_link(notification.link)})")
    text = "\n\n".join(line for line in lines if line)
    if flavor == WebhookFlavor.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": notification.title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send_webhook(delivery: Delivery, notification: Notification) -> None:
    """Only to an address the office keeps enabled now (an outbox row may predate a change), and only
    after the address passes the robot rule again (robots.py)."""
    if not DepartmentRobot.objects.filter(url=delivery.address, enabled=True).exists():
        raise robots.RobotAddressRefused("该群机器人地址已停用或不是营商办登记的单位群机器人，未发送。")
    timeout = int(get_setting("notify_webhook_timeout_seconds"))
    try:
        response = robots.post_json(
            delivery.address, webhook_payload(delivery.flavor, notification), timeout=timeout
        )
    except (TimeoutError, urllib3.exceptions.TimeoutError) as exc:
        raise DeliveryError(f"群机器人在 {timeout} 秒内无响应") from exc
    except (OSError, urllib3.exceptions.HTTPError) as exc:
        raise DeliveryError(f"无法连接群机器人：{exc.__class__.__name__}") from exc
    if 300 <= response.status < 400:
        raise robots.RobotAddressRefused(
            f"群机器人要求跳转（HTTP {response.status}），出于安全考虑不跟随，未发送。"
        )
    if response.status != 200:
        raise DeliveryError(f"群机器人返回 HTTP {response.status}")
    try:
        answer = json.loads(response.body)
    except ValueError:
        answer = {}
    # Both robots answer 200 with errcode != 0 for a bad key or a blocked message.
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"群机器人拒收：{answer.get('errcode')} {answer.get('errmsg', '')}".strip())


SENDERS = {
    Channel.EMAIL.value: send_email,
    Channel.SMS.value: send_sms,
    Channel.WEBHOOK.value: send_webhook,
}
