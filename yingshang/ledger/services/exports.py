"""Saved filters of the ledger list and the large exports that run in the background."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.exports import MAX_SHEET_ROWS, build_workbook, exporter_line

from .. import selectors
from ..models import ExportJob, SavedFilter

EXPORT_TITLE = "重点任务台账"
EXPORT_WIDTHS = [8, 60, 24, 24, 16, 12, 10, 10, 10, 14, 14]


@transaction.atomic
def saved_filter_save(*, actor: Any, name: str, query: str) -> SavedFilter:
    name = name.strip()
    if not name:
        raise ValidationFailed(
            "请为常用筛选起个名称。", code="ledger.filter_name_required", fields={"name": ["请填写名称。"]}
        )
    row, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name[:50], defaults={"query": query[:1000]}
    )
    return row


@transaction.atomic
def saved_filter_delete(*, actor: Any, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise PermissionRefused(code="ledger.filter_not_owner")
    saved.delete()


@transaction.atomic
def export_job_create(*, actor: Any, query: str) -> ExportJob:
    from .. import jobs

    job = ExportJob.objects.create(user=actor, query=query[:1000])
    transaction.on_commit(lambda: jobs.run_export.enqueue(job.pk))
    return job


def _query_dict(query: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query).items()}


def _csv(rows: Iterator[list[Any]], user: Any) -> bytes:
    """Beyond one sheet's row limit: CSV (UTF-8 with BOM so Excel reads the Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(selectors.EXPORT_HEADERS)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
    writer.writerow([])
    writer.writerow([exporter_line(user)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _rows(qs: Any, total: int, on_progress: Callable[[int], object]) -> Iterator[list[Any]]:
    step = max(1000, total // 50)
    done = 0
    for chunk_start in range(0, total, 2000):
        for row in selectors.task_rows(qs[chunk_start : chunk_start + 2000]):
            yield selectors.export_row(row)
            done += 1
            if done % step == 0:
                on_progress(done)


def export_job_run(*, job_id: int) -> None:
    """Write the file of a background export, reporting progress as it goes; safe to run twice (a finished
    job is left alone). A failure is kept on the job for the user's progress page, then raised."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return
    user = job.user
    filters = selectors.TaskFilters.from_query(_query_dict(job.query))
    qs = selectors.task_list(user, filters)
    total = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, total=total, done=0)
    rows = _rows(qs, total, lambda done: ExportJob.objects.filter(pk=job.pk).update(done=done))
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    try:
        if total > MAX_SHEET_ROWS - 4:
            content, name = _csv(rows, user), f"台账导出-{stamp}.csv"
        else:
            content, _ = build_workbook(
                title=EXPORT_TITLE,
                headers=selectors.EXPORT_HEADERS,
                rows=rows,
                user=user,
                widths=EXPORT_WIDTHS,
            )
            name = f"台账导出-{stamp}.xlsx"
        with transaction.atomic():
            job.file.save(name, ContentFile(content), save=False)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.DONE,
                done=total,
                file=job.file.name,
                file_name=name,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=user,
                action="ledger.export",
                obj=job,
                after={"rows": total, "filters": filters.as_dict(), "background": True},
                detail=name,
            )
    except Exception as exc:  # the user sees the failure on the progress page
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:1000])
        raise


def export_downloaded(*, actor: Any, job: ExportJob) -> None:
    audit_record(actor=actor, action="ledger.export_download", obj=job, detail=job.file_name)
