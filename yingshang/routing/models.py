"""Smart dispatch (智能派单) and hotspots (热点发现).

Model files live under VAR_DIR/models/routing/; the rows here say which versions exist, which one is in
use, and what each measured — so every worker process agrees on the active model. The similarity index
of appeal texts belongs to the appeals app (duplicate linking); its two models are named here too for the
readers of this app (hotspots, the index generator)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RoutingModel(models.Model):
    """One trained version of the dispatch model (派单模型版本)."""

    class Source(models.TextChoices):
        HISTORY = "history", "办理历史"
        CSV = "csv", "数据文件"
        IMPORTED = "imported", "外部导入"

    version = models.CharField("版本号", max_length=40, unique=True)
    file_name = models.CharField("模型文件", max_length=200)
    source = models.CharField("训练来源", max_length=16, choices=Source.choices)
    variant = models.CharField("算法", max_length=40)
    format_version = models.PositiveIntegerField("文件格式版本")
    sklearn_version = models.CharField("scikit-learn 版本", max_length=20)
    labels = models.JSONField(
        "可建议单位", default=list, blank=True
    )  # [label, ...]; for history: department ids
    label_names = models.JSONField("单位名称", default=dict, blank=True)
    left_out = models.JSONField("样本不足未纳入", default=dict, blank=True)  # {label name: count}
    metrics = models.JSONField("留出集评估", default=dict, blank=True)
    n_train = models.PositiveIntegerField("训练样本数", default=0)
    train_seconds = models.FloatField("训练用时（秒）", default=0)
    is_active = models.BooleanField("正在使用", default=False)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "派单模型"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="routing_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return self.version


class TrainingRun(models.Model):
    """A retraining requested from the office page, run as a background job with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "训练中"
        DONE = "done", "已完成"
        FAILED = "failed", "未完成"

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    model = models.ForeignKey(
        RoutingModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="产出模型",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "模型训练任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class AutoDispatch(models.Model):
    """An appeal the model dispatched on its own; `returned` marks a wrong one sent back (训练反馈)."""

    appeal_id = models.BigIntegerField("诉求", unique=True)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="派往单位"
    )
    confidence = models.FloatField("置信度")
    model_version = models.CharField("模型版本", max_length=40)
    at = models.DateTimeField("派单时间", auto_now_add=True)
    returned = models.BooleanField("被退回", default=False)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自动派单记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.department_id}"


class HotspotSnapshot(models.Model):
    """The hotspots of one window as last computed. Grouping a month of appeals takes seconds at city scale,
    so pages read this row; the periodic job (and a page finding it stale) replaces it."""

    window_days = models.PositiveIntegerField("统计时段（天）", unique=True)
    as_of = models.DateTimeField("统计时间")
    seconds = models.FloatField("用时（秒）")
    hotspots = models.JSONField("热点", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "热点统计结果"

    def __str__(self) -> str:
        return f"近{self.window_days}天 @ {self.as_of:%Y-%m-%d %H:%M}"
