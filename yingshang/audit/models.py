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
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"
