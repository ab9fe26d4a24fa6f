"""企业诉求: appeals, their dispatches (one per department and round), extensions, replies and follow-ups,
the source systems that push appeals in, the outbox of status pushes back to them (回传), and the
similarity index of appeal texts (duplicate linking; the routing app reads it for hotspots)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.core.crypto import EncryptedTextField
from yingshang.core.models import WorkflowItem


class Category(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    REPORT = "report", "举报"


class Source(models.TextChoices):
    WEB = "web", "网上提交"
    API = "api", "系统接入"
    HOTLINE = "hotline", "热线导入"


class InvalidReason(models.TextChoices):
    SPAM = "spam", "无效信息"
    DUPLICATE = "duplicate", "重复诉求"
    OUT_OF_SCOPE = "out_of_scope", "不属于受理范围"


class SourceSystem(models.Model):
    """Another system that pushes appeals in (city hotline, other platforms) and gets status changes back."""

    code = models.CharField("系统编码", max_length=32, unique=True)
    name = models.CharField("系统名称", max_length=100)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeal_source_system",
        verbose_name="接入账号",
    )
    webhook_url = models.URLField("回传地址", max_length=500, blank=True)
    webhook_secret = EncryptedTextField("回传签名密钥", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求来源系统"

    def __str__(self) -> str:
        return self.name


class Appeal(WorkflowItem):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "待派单"
        DISPATCHED = "dispatched", "待签收"
        SIGNED = "signed", "办理中"
        RETURNED = "returned", "已退单"
        REPLIED = "replied", "待回访"
        CONCLUDED = "concluded", "已办结"
        CLOSED = "closed", "已作废"

    tracking_code = models.CharField("查询码", max_length=20, unique=True)
    # The owner: set only when an account of that enterprise submitted the appeal. Anyone may type a credit
    # code, so a code alone never makes an appeal visible to an enterprise account (a whistle-blower
    # reporting their employer must stay hidden from it).
    enterprise = models.ForeignKey(
        "org.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name="提交企业",
    )
    # The registered enterprise the given credit code names: for the office's eyes, never an access right.
    concerned_enterprise = models.ForeignKey(
        "org.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="涉及企业",
    )
    enterprise_name = models.CharField("涉及企业名称", max_length=200)
    credit_code = models.CharField("涉及企业统一社会信用代码", max_length=18, blank=True, db_index=True)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = EncryptedTextField("联系电话")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_last4 = models.CharField(max_length=4, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交账号",
    )
    category = models.CharField("诉求类型", max_length=16, choices=Category.choices)
    urgent = models.BooleanField("紧急", default=False)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("诉求内容")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.WEB)
    source_system = models.ForeignKey(
        SourceSystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name="来源系统",
    )
    external_id = models.CharField("来源系统编号", max_length=64, blank=True)
    # Idempotency: a key is unique within its scope ("sys:<id>", "user:<id>", "import:<id>").
    idempotency_scope = models.CharField(max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name="重复于",
    )
    received_at = models.DateTimeField("受理时间", db_index=True)
    main_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="主办单位",
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    sign_deadline = models.DateTimeField("签收时限", null=True, blank=True)
    reply_deadline = models.DateTimeField("答复时限", null=True, blank=True)
    # Computed over a year whose official schedule was not entered yet: recomputed when it is (临时).
    sign_deadline_provisional = models.BooleanField("签收时限为临时计算", default=False)
    reply_deadline_provisional = models.BooleanField("答复时限为临时计算", default=False)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    invalid_reason = models.CharField("作废原因", max_length=16, choices=InvalidReason.choices, blank=True)
    invalid_note = models.CharField("作废说明", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业诉求"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appeal_idempotency_once",
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True) | Q(submitted_by__isnull=False),
                name="appeal_owner_only_when_submitted_by_account",
            ),
        ]
        indexes = [
            models.Index(fields=["main_department", "state", "-received_at"], name="appeal_dept_state"),
            models.Index(fields=["state", "-received_at"], name="appeal_state_recv"),
            models.Index(fields=["enterprise", "-received_at"], name="appeal_enterprise"),
            models.Index(fields=["phone_hash", "received_at"], name="appeal_phone_recv"),
            models.Index(fields=["source_system", "external_id"], name="appeal_external"),
            # The supervision reminder scan: state IN (dispatched, signed) AND reply_deadline < bound.
            models.Index(fields=["state", "reply_deadline"], name="appeal_state_reply_due"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def state_label(self) -> str:
        return self.State(self.state).label if self.state in self.State.values else self.state


class Dispatch(models.Model):
    """One department's part in one round of an appeal (主办 or 协办). `state`/`version` carry the part's
    own small workflow (signing, workflow.DISPATCH_WORKFLOW); the main part is signed with the appeal."""

    class Role(models.TextChoices):
        MAIN = "main", "主办"
        CO = "co", "协办"

    class State(models.TextChoices):
        PENDING = "pending", "待签收"
        SIGNED = "signed", "已签收"

    class ReturnReason(models.TextChoices):
        FUNCTION = "function", "职能不符"
        TERRITORY = "territory", "属地不符"
        DUPLICATE = "duplicate", "重复派单"
        UNCLEAR = "unclear", "诉求不清"
        OTHER = "other", "其他"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="dispatches")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    round = models.PositiveSmallIntegerField("轮次")
    role = models.CharField("角色", max_length=8, choices=Role.choices)
    # Not indexed (unlike WorkflowItem): no query selects parts by it, and this table is the largest.
    # Database defaults too, for the bulk loaders that write rows without the ORM.
    state = models.CharField(
        "签收状态", max_length=16, choices=State.choices, default=State.PENDING, db_default=State.PENDING
    )
    version = models.PositiveIntegerField("版本", default=0, db_default=0, editable=False)
    dispatched_at = models.DateTimeField("派单时间")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="派单人"
    )
    instruction = models.CharField("派单意见", max_length=500, blank=True)
    sign_deadline = models.DateTimeField("签收时限")
    reply_deadline = models.DateTimeField("答复时限")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField("退单时间", null=True, blank=True)
    return_reason = models.CharField("退单原因", max_length=16, choices=ReturnReason.choices, blank=True)
    return_note = models.CharField("退单说明", max_length=500, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    is_current = models.BooleanField("当前有效", default=True)
    # False for linked duplicates and appeals closed as invalid: such dispatches leave every rate. Kept on
    # the row so the rates read one table through a partial index instead of joining 2 million appeals.
    counted = models.BooleanField("计入指标", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单"
        ordering = ["round", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "department", "round"], name="dispatch_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["department", "role", "is_current", "appeal"], name="dispatch_dept_role"),
            models.Index(
                # The trailing columns make the rates an index-only scan (INCLUDE is PostgreSQL-only).
                fields=["dispatched_at", "department", "signed_at", "sign_deadline"],
                name="dispatch_period",
                condition=Q(role="main", counted=True, returned_at__isnull=True),
            ),
            models.Index(
                fields=["reply_deadline", "department", "replied_at"],
                name="dispatch_reply_due",
                condition=Q(role="main", counted=True, returned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}#{self.round} {self.get_role_display()} {self.department_id}"

    @property
    def signed_on_time(self) -> bool:
        return self.signed_at is not None and self.signed_at <= self.sign_deadline


class ExtensionRequest(WorkflowItem):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.CharField("延期理由", max_length=1000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=500, blank=True)
    old_deadline = models.DateTimeField("原答复时限")
    new_deadline = models.DateTimeField("申请延至")

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["requested_at", "id"]

    @property
    def state_label(self) -> str:
        return self.State(self.state).label if self.state in self.State.values else self.state


class Reply(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="replies")
    dispatch = models.OneToOneField(Dispatch, on_delete=models.CASCADE, related_name="reply")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField("轮次")
    content = models.TextField("答复内容")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField("答复时间")
    on_time = models.BooleanField("按时答复")

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["replied_at", "id"]


class FollowUp(models.Model):
    """回访: the enterprise's judgement of one reply. Unreasonable (不合理诉求) follow-ups leave the rates."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="followups")
    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="followup")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField("轮次")
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices)
    solved = models.BooleanField("问题是否解决")
    note = models.CharField("回访记录", max_length=1000, blank=True)
    # Empty when the anonymous submitter rated on the tracking page (code and phone ending checked).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("回访时间")
    unreasonable = models.BooleanField("不合理诉求", default=False)
    counted = models.BooleanField("计入指标", default=True)  # False for duplicates and invalid appeals
    unreasonable_reason = models.CharField("认定理由", max_length=500, blank=True)
    unreasonable_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unreasonable_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回访"
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["recorded_at", "department", "solved", "satisfaction"],
                name="followup_period",
                condition=Q(counted=True, unreasonable=False),
            )
        ]


class WebhookDelivery(models.Model):
    """The 回传 outbox: one row per status change to push to the appeal's source system."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已送达"
        FAILED = "failed", "已放弃"

    source_system = models.ForeignKey(SourceSystem, on_delete=models.CASCADE, related_name="deliveries")
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField("事件", max_length=32)
    payload = models.JSONField("内容")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回传记录"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]


class SimilarityDoc(models.Model):
    """One appeal's text in the similarity index: its MinHash signature, and what the subscribers of the
    index (hotspot grouping in the routing app) asked to keep beside it. The tables keep the names they
    had when the index lived in the routing app."""

    appeal_id = models.BigIntegerField("诉求", unique=True)
    at = models.DateTimeField("受理时间", db_index=True)
    title = models.CharField("标题", max_length=200, blank=True)
    category = models.CharField("类别", max_length=100, blank=True)
    places = models.JSONField("地点", default=list, blank=True)
    words = models.JSONField("关键词", default=list, blank=True)
    signature = models.BinaryField("签名")

    class Meta:
        db_table = "routing_similaritydoc"
        verbose_name = verbose_name_plural = "相似度索引文档"

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.title}"


class SimilarityBand(models.Model):
    """One LSH band key of one document: texts sharing a key are candidate near duplicates."""

    band_key = models.BigIntegerField("分带键", db_index=True)
    appeal_id = models.BigIntegerField("诉求")
    at = models.DateTimeField("受理时间")

    class Meta:
        db_table = "routing_similarityband"
        verbose_name = verbose_name_plural = "相似度索引分带"
        indexes = [models.Index(fields=["appeal_id"], name="routing_band_appeal")]

    def __str__(self) -> str:
        return f"{self.band_key}:{self.appeal_id}"
