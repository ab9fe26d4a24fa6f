"""Assessment (考核): indicator sets, runs per period with frozen snapshots, objections during publicity,
bonus items, bulletins, and the evaluation indicators the city itself is assessed on (指标监测)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.core.models import WorkflowItem


class IndicatorSet(models.Model):
    """考核指标体系: indicators with weights; deductions and bonuses are added after weighting within caps."""

    name = models.CharField("名称", max_length=100, unique=True)
    groups = models.JSONField("参评分组", default=list, help_text='["city", "district"]')
    deduction_cap = models.DecimalField("扣分上限", max_digits=6, decimal_places=2, default=10)
    bonus_cap = models.DecimalField("加分上限", max_digits=6, decimal_places=2, default=5)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标体系"
        ordering = ["-is_active", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    class Kind(models.TextChoices):
        SCORE = "score", "计分指标"
        DEDUCTION = "deduction", "扣分项"
        BONUS = "bonus", "加分项"

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators", verbose_name="指标体系"
    )
    measure = models.CharField("计算口径", max_length=40)
    name = models.CharField("指标名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.SCORE)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=0)
    higher_is_better = models.BooleanField("数值越高越好", default=True)
    points_per_item = models.DecimalField("每项分值", max_digits=6, decimal_places=2, default=1)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标"
        ordering = ["indicator_set", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "measure"], name="indicator_measure_once"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicator_weight_not_negative"),
            models.CheckConstraint(condition=Q(points_per_item__gte=0), name="indicator_points_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class BonusItem(WorkflowItem):
    """加分事项: a department's recognised achievement, counted once the office approves it."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已认定"
        REFUSED = "refused", "不予认定"

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    title = models.CharField("加分事项", max_length=200)
    basis = models.TextField("认定依据", blank=True)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    awarded_on = models.DateField("事项日期", db_index=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "加分事项"
        ordering = ["-awarded_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="bonus_points_positive")]
        indexes = [models.Index(fields=["state", "awarded_on"], name="bonus_state_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def pending(self) -> bool:
        return self.state == self.State.PENDING


class AssessmentRun(WorkflowItem):
    """One computation of a period with an indicator set. Once frozen, its inputs (`settings`) and its
    lines never change (service and, on PostgreSQL, a trigger); computing again makes a new version."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        FROZEN = "frozen", "已冻结"
        PUBLICITY = "publicity", "公示中"
        PUBLISHED = "published", "已发布"

    period_code = models.CharField("考核周期", max_length=10)
    period_label = models.CharField("周期名称", max_length=30)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="runs", verbose_name="指标体系"
    )
    number = models.PositiveIntegerField("版本号")
    inputs = models.JSONField("计算口径与设置", default=dict)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField("公示截止", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["-period_start", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_code", "indicator_set", "number"], name="assessment_run_version"
            )
        ]
        indexes = [models.Index(fields=["state", "-period_start"], name="assessment_run_state")]

    def __str__(self) -> str:
        return f"{self.period_label}（第{self.number}版）"


class DepartmentResult(models.Model):
    """A department's total, rank and group in one run."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    department_name = models.CharField("单位名称", max_length=100)
    group = models.CharField("分组", max_length=10)
    weighted = models.FloatField("加权得分", null=True)
    deductions = models.FloatField("扣分", default=0)
    bonuses = models.FloatField("加分", default=0)
    score = models.FloatField("总分", null=True)
    rank = models.PositiveIntegerField("名次", null=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位得分"
        ordering = ["group", "rank", "department_name"]
        constraints = [models.UniqueConstraint(fields=["run", "department"], name="result_once_per_run")]


class ResultLine(models.Model):
    """Per department per indicator: raw value, numerator/denominator, normalised score, weight and
    contribution, or why there is no data and what rule was applied."""

    result = models.ForeignKey(DepartmentResult, on_delete=models.CASCADE, related_name="lines")
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="lines")
    measure = models.CharField("计算口径", max_length=40)
    name = models.CharField("指标", max_length=100)
    kind = models.CharField("类型", max_length=10)
    numerator = models.FloatField("分子", null=True)
    denominator = models.FloatField("分母", null=True)
    raw = models.FloatField("原始值", null=True)
    normalised = models.FloatField("标准化得分", null=True)
    weight = models.FloatField("权重")
    effective_weight = models.FloatField("实际权重")
    contribution = models.FloatField("贡献分")
    no_data_reason = models.CharField("无数据说明", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "得分明细"
        ordering = ["sort_order", "id"]


class Objection(WorkflowItem):
    """公示期异议: a department disputes its result with reasons and evidence; the office decides."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "待处理"
        ACCEPTED = "accepted", "异议成立"
        REJECTED = "rejected", "异议不成立"

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="objections")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField("涉及指标", max_length=40, blank=True)
    reason = models.TextField("异议理由")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提出时间", auto_now_add=True)
    decision = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["run", "state"], name="objection_run_state")]

    @property
    def pending(self) -> bool:
        return self.state == self.State.SUBMITTED


class DocumentSequence(models.Model):
    """Last serial of the office's 发文字号 in a year, incremented under a row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Bulletin(models.Model):
    """通报: the office's text per section; the document number is allocated once, on first generation."""

    run = models.OneToOneField(AssessmentRun, on_delete=models.PROTECT, related_name="bulletin")
    title = models.CharField("标题", max_length=200)
    sections = models.JSONField("各部分文字", default=dict)
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("发文字号", max_length=50, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"], condition=Q(serial__isnull=False), name="bulletin_number_once"
            ),
            # The 文号 names the issuing office and the year, so one string is one document.
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="bulletin_number_unique"
            ),
        ]


# --- 营商环境指标监测 --------------------------------------------------------------------------------


class EvaluationIndicator(models.Model):
    """A sub-indicator of the national business-environment evaluation (e.g. 开办企业 · 办理时间(天)),
    owned by one department; DTF against the frontier and worst values the office sets."""

    first_level = models.CharField("一级指标", max_length=40, db_index=True)
    name = models.CharField("二级指标", max_length=100)
    unit = models.CharField("单位", max_length=20, blank=True)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位"
    )
    higher_is_better = models.BooleanField("数值越高越好", default=False)
    frontier = models.FloatField("前沿值（最优）")
    worst = models.FloatField("最差值")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "营商环境评价指标"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first_level", "name"], name="evaluation_indicator_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_level}·{self.name}"


class EvaluationValue(models.Model):
    indicator = models.ForeignKey(EvaluationIndicator, on_delete=models.CASCADE, related_name="values")
    period_code = models.CharField("周期", max_length=10)
    period_start = models.DateField("周期起始")
    value = models.FloatField("数值")
    score = models.FloatField("前沿距离得分")
    note = models.CharField("说明", max_length=500, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标监测值"
        ordering = ["indicator", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_code"], name="evaluation_value_once")
        ]
