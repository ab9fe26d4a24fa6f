from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class WorkflowItem(models.Model):
    """An item moved through a state machine by `core.workflow.apply_transition` only."""

    state = models.CharField("状态", max_length=32, db_index=True)
    version = models.PositiveIntegerField("版本", default=0, editable=False)

    class Meta:
        abstract = True


class OfficeSetting(models.Model):
    """A value the office tunes, in force from `effective_from` until a later row for the same key.
    Rows are never edited: a change is a new row, so any past moment can be reconstructed."""

    key = models.CharField("设置项", max_length=100)
    value = models.JSONField("取值")
    effective_from = models.DateTimeField("生效时间")
    note = models.CharField("调整说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="调整人",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办公室设置"
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="office_setting_unique_time")
        ]
        indexes = [models.Index(fields=["key", "-effective_from"], name="office_setting_lookup")]

    def __str__(self) -> str:
        return f"{self.key}={self.value} @ {self.effective_from:%Y-%m-%d %H:%M}"


class TimelineEntry(models.Model):
    """One line of an item's history (进展记录): transitions, reports, reminders, instructions.
    Written only through `core.events.record_timeline`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=64)
    label = models.CharField("说明", max_length=200)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    note = models.TextField("意见", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "进展记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="timeline_item_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"


class ScheduledRun(models.Model):
    """A claim on one (periodic job, time slot): the unique row makes a slot fire once, however many
    schedulers run on however many machines."""

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]


class Attachment(models.Model):
    """An uploaded file (evidence, appeal attachment, inspection photo) belonging to one item.
    Stored through Django's storage API under its SHA-256; served only through a permission-checked view."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField("用途", max_length=32, default="evidence")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    mime_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_item")]

    def __str__(self) -> str:
        return self.original_name


class StagedImport(models.Model):
    """An uploaded file checked and shown as a preview, waiting for its owner to confirm it. Kept in the
    database (not a worker's cache or one browser session) so the confirm may land on any server process
    and in any session of the same user. Written only through `core.staging`."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", "任务分工方案"
        HOTLINE = "hotline", "热线工单"
        DEPARTMENTS = "department", "单位"
        USERS = "user", "账号"

    token = models.CharField("预览标识", max_length=64, unique=True)
    kind = models.CharField("导入类型", max_length=16, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="上传人"
    )
    file_name = models.CharField("文件名", max_length=255)
    content = models.BinaryField("文件内容", blank=True, default=b"")
    payload = models.JSONField("预览数据", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间", db_index=True)
    consumed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待确认导入"
        indexes = [models.Index(fields=["owner", "kind", "-created_at"], name="staged_import_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}《{self.file_name}》"
