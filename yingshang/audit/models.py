from django.conf import settings
from django.db import models


class AuditRecord(models.Model):
    """One append-only audit record: who, when, from where, what, before and after.
    Never updated or deleted (a PostgreSQL trigger refuses it); chained by `AuditSeal` rows."""

    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("账号ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("账号", max_length=150, blank=True)
    actor_roles = models.CharField("角色", max_length=200, blank=True)
    actor_department = models.CharField("单位", max_length=100, blank=True)
    ip = models.CharField("IP地址", max_length=45, blank=True)
    user_agent = models.CharField("终端", max_length=300, blank=True)
    request_id = models.CharField("请求号", max_length=64, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    detail = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # The search page filters on one of these and lists newest first (time, then id).
            models.Index(fields=["actor_username", "at"], name="audit_account"),
            models.Index(fields=["ip", "at"], name="audit_ip"),
            models.Index(fields=["action", "at"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class AuditSeal(models.Model):
    """One link of the hash chain over audit records, in record-id order:
    hash = H(prev_hash || canonical(record)). Append-only, kept apart from the records so writing a record
    never waits for the chain."""

    # Position in the chain as primary key: the unique positions and unique records, both growing, make a
    # fork impossible (two sealers racing for the same place cannot both commit) and keep inserts at the
    # right edge of every index.
    seq = models.PositiveBigIntegerField("序号", primary_key=True)
    record_id = models.BigIntegerField("记录ID", unique=True)
    prev_hash = models.CharField("前一哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)
    algorithm = models.CharField("算法", max_length=16)
    sealed_at = models.DateTimeField("封存时间")

    class Meta:
        verbose_name = verbose_name_plural = "审计封存"
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seal_seq_positive"),
            models.CheckConstraint(
                condition=models.Q(algorithm__in=["sm3", "sha256"]), name="audit_seal_algorithm_known"
            ),
        ]

    def __str__(self) -> str:
        return f"封存{self.seq}→#{self.record_id}"


class AuditVerification(models.Model):
    """One verification of the chain asked for on the auditor's page and run as a background job."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "校验中"
        PASSED = "passed", "通过"
        FAILED = "failed", "未通过"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    requested_at = models.DateTimeField("发起时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    checked = models.PositiveBigIntegerField("已校验记录数", default=0)
    last_sealed_id = models.BigIntegerField("最后封存记录", null=True, blank=True)
    unsealed = models.PositiveBigIntegerField("未封存记录数", default=0)
    failure_record_id = models.BigIntegerField("问题记录", null=True, blank=True)
    message = models.TextField("结论", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计链校验"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"校验{self.pk} {self.get_status_display()}"


class DeniedAccessTally(models.Model):
    """Refusals (403, 404) of one account or address on one URL pattern within one minute, counted by one
    upsert per refusal in this table shared by every process. When the minute is over, a job turns each row
    into one audit record with the count and deletes it, so a scan leaves a trace without flooding the trail."""

    window_start = models.DateTimeField("时间窗口起点")
    # "user:<id>" for an account (signed in or by API token), "ip:<address>" for an anonymous caller.
    subject = models.CharField("访问者", max_length=80)
    user_id = models.BigIntegerField("账号ID", null=True, blank=True)
    username = models.CharField("账号", max_length=150, blank=True)
    ip = models.CharField("IP地址", max_length=45, blank=True)
    pattern = models.CharField("地址模式", max_length=200)
    status = models.PositiveSmallIntegerField("状态码")
    refusals = models.PositiveIntegerField("拒绝次数", default=1)
    first_at = models.DateTimeField("首次")
    last_at = models.DateTimeField("末次")

    class Meta:
        verbose_name = verbose_name_plural = "拒绝访问计数"
        constraints = [
            # The conflict target of the counting upsert.
            models.UniqueConstraint(
                fields=["window_start", "subject", "pattern", "status"], name="audit_denied_tally_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.pattern} {self.status}×{self.refusals}"


class WitnessIdentity(models.Model):
    """Who this database is to the witness kept outside it: a random id drawn at the first sealing and drawn
    again after a restore, so a restored copy keeps its own witness lines. The latest row is the current one.
    Append-only, like the records."""

    class Reason(models.TextChoices):
        NEW = "new", "新数据库"
        RESTORE = "restore", "自备份恢复"

    installation_id = models.CharField("数据库身份", max_length=32, unique=True)
    started_at = models.DateTimeField("启用时间")
    reason = models.CharField("原因", max_length=16, choices=Reason.choices)

    class Meta:
        verbose_name = verbose_name_plural = "审计见证身份"
        ordering = ["-id"]
        constraints = [
            # A database is new once: two first sealers racing cannot both start a witness.
            models.UniqueConstraint(
                fields=["reason"], condition=models.Q(reason="new"), name="audit_witness_new_once"
            ),
        ]

    def __str__(self) -> str:
        return self.installation_id
