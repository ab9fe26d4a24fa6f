"""Pre-aggregated figures for the leader dashboard (驾驶舱). The periodic job replaces them in one
transaction; the page reads only these rows (plus a few small, indexed look-ups), never a full scan."""

from django.db import models


class Figure(models.Model):
    key = models.CharField("指标", max_length=40)
    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dim = models.CharField("维度", max_length=60, blank=True)
    value = models.FloatField("数值")

    class Meta:
        verbose_name = verbose_name_plural = "驾驶舱数据"
        indexes = [models.Index(fields=["key", "dim"], name="dashboard_figure_key")]


class Refresh(models.Model):
    """When the figures were last refreshed and how long it took (one row per refresh, newest first)."""

    refreshed_at = models.DateTimeField("刷新时间")
    seconds = models.FloatField("用时（秒）")
    rows = models.PositiveIntegerField("数据行数")

    class Meta:
        ordering = ["-refreshed_at", "-id"]
