from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from yingshang.core.crypto import EncryptedTextField
from yingshang.core.models import WorkflowItem


class Level(models.TextChoices):
    NORMAL = "normal", "一般"
    KEY = "key", "重点"
    LISTED = "listed", "挂牌督办"


class OrderSequence(models.Model):
    """The last number given to a supervision order in a year; incremented under a row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class SupervisionOrder(WorkflowItem):
    """督办单: the office tells a department to act on a tracked item by a reply deadline."""

    class State(models.TextChoices):
        ISSUED = "issued", "已下发"
        SIGNED = "signed", "已签收"
        ANSWERED = "answered", "已答复"
        CONCLUDED = "concluded", "已办结"
        REISSUED = "reissued", "已重新督办"

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target_label = models.CharField("督办事项", max_length=300)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="supervision_orders", verbose_name="责任单位"
    )
    requirement = models.TextField("督办要求")
    reply_deadline = models.DateField("答复时限")
    level = models.CharField("督办级别", max_length=16, choices=Level.choices, default=Level.NORMAL)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="下发人"
    )
    issued_at = models.DateTimeField("下发时间", auto_now_add=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    conclusion = models.TextField("办结意见", blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
        verbose_name="原督办单",
    )

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="supervision_order_number")]
        indexes = [
            models.Index(fields=["state", "reply_deadline"], name="sup_order_due"),
            models.Index(fields=["target_type", "target_id"], name="sup_order_target"),
            models.Index(fields=["department", "state"], name="sup_order_dept"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"督办〔{self.year}〕{self.seq}号"


class Instruction(WorkflowItem):
    """领导批示: a city leader's instruction, tracked as work for one department with a deadline."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", "待办理"
        REPLIED = "replied", "已回复"
        CONCLUDED = "concluded", "已办结"

    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField("批示事项", max_length=300, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="批示领导"
    )
    content = models.TextField("批示内容")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="instructions", verbose_name="承办单位"
    )
    deadline = models.DateField("办理时限")
    created_at = models.DateTimeField("批示时间", auto_now_add=True)
    reply = models.TextField("办理情况", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="sup_instr_due"),
            models.Index(fields=["department", "state"], name="sup_instr_dept"),
        ]

    def __str__(self) -> str:
        return f"领导批示：{self.content[:30]}"


class Inspection(models.Model):
    """明察暗访: one inspection visit; its photos are core attachments with purpose "photo"."""

    class Mode(models.TextChoices):
        OPEN = "open", "明察"
        COVERT = "covert", "暗访"

    date = models.DateField("检查日期")
    place = models.CharField("检查地点", max_length=200)
    team = models.CharField("检查组成员", max_length=300)
    mode = models.CharField("方式", max_length=8, choices=Mode.choices, default=Mode.OPEN)
    summary = models.TextField("检查情况")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "明察暗访"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date"], name="sup_inspection_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.place}（{self.get_mode_display()}）"


class Finding(WorkflowItem):
    """A problem found in an inspection: the responsible department rectifies it by the deadline."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", "待整改"
        REPORTED = "reported", "已报整改"
        VERIFIED = "verified", "已复核"
        CLOSED = "closed", "已销号"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name="明察暗访"
    )
    description = models.TextField("问题描述")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="findings", verbose_name="责任单位"
    )
    rectification_deadline = models.DateField("整改时限")
    report = models.TextField("整改情况", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    verify_note = models.TextField("复核意见", blank=True)
    verified_at = models.DateTimeField("复核时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题整改"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "rectification_deadline"], name="sup_finding_due"),
            models.Index(fields=["department", "state"], name="sup_finding_dept"),
        ]

    def __str__(self) -> str:
        return f"问题：{self.description[:30]}"


class CaseAction(models.TextChoices):
    ADMONISHMENT = "admonishment", "诫勉谈话"
    CRITICISM = "criticism", "通报批评"
    DISCIPLINARY = "disciplinary", "党纪政务处分"
    ORGANISATIONAL = "organisational", "组织处理"
    CORRECTION = "correction", "责令整改"
    OTHER = "other", "其他处理"


class TypicalCase(WorkflowItem):
    """典型案例: what damaged the business environment, investigated and, when published, named."""

    class State(models.TextChoices):
        RECORDED = "recorded", "已登记"
        PUBLISHED = "published", "已通报"

    title = models.CharField("案例标题", max_length=200)
    facts = models.TextField("基本事实")
    departments = models.ManyToManyField(
        "org.Department", related_name="typical_cases", verbose_name="涉及单位"
    )
    # People involved, JSON [{"name", "position"}], encrypted: names are for discipline and office only.
    people = EncryptedTextField("涉及人员", blank=True)
    action = models.CharField("处理方式", max_length=20, choices=CaseAction.choices)
    action_detail = models.CharField("处理情况", max_length=300, blank=True)
    case_date = models.DateField("处理日期", db_index=True)
    names_printable = models.BooleanField("通报时可点名", default=False)
    published_at = models.DateTimeField("通报时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-case_date", "-id"]
        indexes = [models.Index(fields=["state", "case_date"], name="sup_case_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Reminder(models.Model):
    """催办: one reminder about one item. The unique (item, kind, slot) row is the claim that makes the
    automatic scan send each reminder once, however often or concurrently it runs."""

    class Kind(models.TextChoices):
        BEFORE = "before", "到期前提醒"
        DUE = "due", "到期当日提醒"
        OVERDUE = "overdue", "逾期催办"
        MANUAL = "manual", "人工催办"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    slot = models.DateField("提醒日期")
    deadline = models.DateField("时限", null=True, blank=True)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="责任单位"
    )
    sequence = models.PositiveIntegerField("第几次催办", default=1)
    escalated = models.BooleanField("已升级至负责人", default=False)
    recipients = models.PositiveIntegerField("接收人数", default=0)
    message = models.TextField("催办内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("催办时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "催办记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "slot"],
                condition=~Q(kind="manual"),
                name="reminder_once_per_slot",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="reminder_item"),
            models.Index(fields=["slot"], name="reminder_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.slot}"
