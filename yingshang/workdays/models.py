"""The city's working-day calendar: office overrides on top of the official schedule (`chinesecalendar`),
years whose schedule the office has entered, and a precomputed day table with working-day ordinals that
other apps may join against to filter by deadlines in the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarOverride(models.Model):
    """One day the office declares a working day (调休上班) or a day off (放假), winning over the package."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'班' if self.is_workday else '休'}"


class CalendarYear(models.Model):
    """A year whose official schedule the office has entered in full: it is no longer provisional."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    complete = models.BooleanField("已录入全年安排", default=False)
    note = models.CharField("依据", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    updated_at = models.DateTimeField("确认时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度放假安排"

    def __str__(self) -> str:
        return f"{self.year}年{'（已录入）' if self.complete else ''}"


class CalendarStamp(models.Model):
    """A single row whose `version` changes with every change to the calendar: processes compare it with the
    version of their in-memory calendar. `table_version` is the version the day table was built at."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.CharField(max_length=32, default="")
    table_version = models.CharField(max_length=32, default="", blank=True)
    table_start = models.DateField(null=True, blank=True)
    table_end = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历版本"


class WorkCalendarDay(models.Model):
    """One calendar day with its working-day ordinal: the number of working days from the table's first day
    up to and including this one. A deadline `n` working days after a date is the working day whose ordinal
    is the date's ordinal plus `n`; working days in (a, b] are ordinal(b) - ordinal(a)."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    ordinal = models.PositiveIntegerField("工作日序号", db_index=True)
    provisional = models.BooleanField("临时推算", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} #{self.ordinal}"
