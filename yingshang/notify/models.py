from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """One notice in one person's inbox (always delivered there; other channels go through Delivery)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类别", max_length=32)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    # The item the notice is about, as "app_label.model:pk" (generic, no foreign key to other apps).
    item_ref = models.CharField("相关事项", max_length=100, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notify_inbox"),
            models.Index(fields=["recipient"], name="notify_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"
    WEBHOOK = "webhook", "群机器人"


class ChannelPreference(models.Model):
    """Which channels besides the inbox carry one kind of notice to one person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类别", max_length=32)
    email = models.BooleanField("电子邮件", default=False)
    sms = models.BooleanField("短信", default=False)
    webhook = models.BooleanField("群机器人", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "通知方式"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notify_pref_once")]

    def channels(self) -> list[str]:
        return [c for c in Channel.values if getattr(self, c)]


class WebhookFlavor(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


class DepartmentRobot(models.Model):
    """A department's work-group robot, kept by the office: notices its people chose to get on the group
    robot are posted there. Nobody else sets an address (see robots.py for which addresses are allowed)."""

    department = models.OneToOneField(
        "org.Department", on_delete=models.CASCADE, related_name="robot", verbose_name="单位"
    )
    url = models.URLField("群机器人地址", max_length=500)
    flavor = models.CharField(
        "机器人类型", max_length=16, choices=WebhookFlavor.choices, default=WebhookFlavor.WECOM
    )
    enabled = models.BooleanField("启用", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位群机器人"

    def __str__(self) -> str:
        return f"{self.department} {self.get_flavor_display()}"


class Delivery(models.Model):
    """Outbox row: one notice to go out on one channel. Retried with back-off until sent or given up;
    never deleted, so every failure stays on record."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name="消息"
    )
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    address = models.CharField("发送地址", max_length=500)
    flavor = models.CharField("格式", max_length=16, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息投递"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address} ({self.get_status_display()})"
