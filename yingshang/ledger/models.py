"""The ledger (台账): policy documents → measures → tasks → progress reports → close-out (销号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.core.models import WorkflowItem


class Category(models.Model):
    """The five "environments" (政务环境, 市场环境, …): a dictionary the office edits, not code."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class PolicyDocument(models.Model):
    title = models.CharField("文件标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    issued_on = models.DateField("发文日期", null=True, blank=True)
    source_file_name = models.CharField("来源文件", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策文件"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """措施: one numbered item of a policy document; its tasks carry the owners and deadlines."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="measures", verbose_name="政策文件"
    )
    serial = models.CharField("序号", max_length=32, blank=True)
    title = models.TextField("措施内容")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="类别"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "措施"
        ordering = ["document", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.serial} {self.title[:40]}".strip()


class Cycle(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    HALF = "half", "每半年"
    YEAR = "year", "每年"


class Task(WorkflowItem):
    """任务: the unit that is owned, reported on and closed out. Warning thresholds (`yellow_at`, `red_at`,
    `missing_at`) are dates computed on every write and by the daily scan; the level on a given day is a
    comparison the database makes, so lists filter on it through an index."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        HEAD_REVIEW = "head_review", "待部门负责人审核"
        CLOSE_REQUESTED = "close_requested", "待审核"
        CLOSED = "closed", "已销号"
        CANCELLED = "cancelled", "已取消"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="tasks", verbose_name="措施")
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="tasks", verbose_name="政策文件"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="类别"
    )
    serial = models.CharField("序号", max_length=32, blank=True)
    title = models.TextField("重点任务/具体措施")
    primary_lead = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="primary_tasks", verbose_name="主牵头单位"
    )
    departments: models.ManyToManyField = models.ManyToManyField(
        "org.Department", through="TaskDepartment", related_name="ledger_tasks", verbose_name="单位"
    )
    metric = models.CharField("量化指标", max_length=200, blank=True)
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    ongoing = models.BooleanField("长期任务", default=False)
    cycle = models.CharField("反馈周期", max_length=10, choices=Cycle.choices, default=Cycle.MONTH)
    start_date = models.DateField("起始日期")
    is_priority = models.BooleanField("重点关注", default=False)
    # False for an old plan's tasks imported as history: they are never scored in an assessment.
    in_assessment = models.BooleanField("纳入考核", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    # Stable key of the row this task came from (import), so re-importing finds it instead of duplicating.
    source_key = models.CharField("来源标识", max_length=200, null=True, blank=True, unique=True)
    # Denormalised from the latest report and the close-out, for the list and the export.
    percent = models.PositiveSmallIntegerField("完成进度", default=0)
    last_report_on = models.DateField("最近反馈", null=True, blank=True)
    last_period = models.DateField("最近反馈周期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    yellow_at = models.DateField("黄色预警起始", null=True, blank=True)
    red_at = models.DateField("红色预警起始", null=True, blank=True)
    missing_at = models.DateField("未按时反馈起始", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["document_id", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ongoing=True) | Q(deadline__isnull=False),
                name="task_deadline_or_ongoing",
                violation_error_message="请填写完成时限，或标记为长期任务。",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_max_100"),
        ]
        indexes = [
            models.Index(fields=["document", "sort_order", "id"], name="task_doc_order"),
            models.Index(fields=["primary_lead", "state"], name="task_lead_state"),
            models.Index(fields=["category", "state"], name="task_category_state"),
            models.Index(fields=["red_at"], name="task_red_at"),
            models.Index(fields=["yellow_at"], name="task_yellow_at"),
            models.Index(fields=["missing_at"], name="task_missing_at"),
            models.Index(fields=["deadline"], name="task_deadline"),
            # The reminder scan (supervision's registry): open tasks whose deadline has come within reach.
            models.Index(fields=["state", "deadline"], name="task_state_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.title[:40]}".strip()


class TaskDepartment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头单位"
        CO = "co", "配合单位"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_departments")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=8, choices=Role.choices)
    is_primary = models.BooleanField("主牵头", default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "任务单位"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_department_once"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(is_primary=True), name="task_one_primary_lead"
            ),
        ]
        indexes = [models.Index(fields=["department", "role", "task"], name="taskdept_dept_role")]


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点内容", max_length=300)
    due_on = models.DateField("节点时间")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "时间节点"
        ordering = ["due_on", "id"]


class ProgressReport(models.Model):
    """进度反馈: one per task per reporting cycle, written by a lead department. Where the office setting
    asks for it, a liaison's report waits for the department head before it counts."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "已报送"
        PENDING_HEAD = "pending_head", "待部门负责人审核"
        RETURNED = "returned", "已退回"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name="任务")
    period_start = models.DateField("反馈周期")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("工作进展")
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    metric_value = models.DecimalField("指标完成值", max_digits=16, decimal_places=2, null=True, blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    coordination = models.TextField("需协调事项", blank=True)
    is_late = models.BooleanField("逾期反馈", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    head_note = models.TextField("部门负责人意见", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("反馈时间")

    class Meta:
        verbose_name = verbose_name_plural = "进度反馈"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period_start"], condition=~Q(status="returned"), name="report_once_per_cycle"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [models.Index(fields=["task", "-period_start"], name="report_task_period")]


class Contribution(models.Model):
    """配合单位 input for a cycle; the lead folds it into its report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("配合工作情况")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    report = models.ForeignKey(
        ProgressReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )

    class Meta:
        verbose_name = verbose_name_plural = "配合单位反馈"
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["task", "report"], name="contribution_task_report")]


class CloseOutRequest(models.Model):
    """销号申请 (final) or 年度销号 (annual, ongoing tasks) with its evidence and the reviews."""

    class Kind(models.TextChoices):
        FINAL = "final", "销号"
        ANNUAL = "annual", "年度销号"

    class Outcome(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已退回"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="close_outs")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.FINAL)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    summary = models.TextField("完成情况")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    head_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_at = models.DateTimeField("部门负责人审核时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "销号申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(outcome="pending"), name="closeout_one_pending_per_task"
            ),
            models.UniqueConstraint(
                fields=["task", "year"],
                condition=Q(kind="annual", outcome="approved"),
                name="closeout_annual_once_per_year",
            ),
        ]


class ExtensionRequest(WorkflowItem):
    """延期申请: a lead department asks for a later deadline; the office approves or refuses."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    current_deadline = models.DateField("原完成时限", null=True, blank=True)
    requested_deadline = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending"), name="extension_one_pending_per_task"
            )
        ]


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=50)
    query = models.CharField("筛选条件", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "常用筛选"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_once")]


class ExportJob(models.Model):
    """A large export running in the background; the user polls its progress and downloads the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
