"""Background jobs of the ledger: load by id, call a service, safe to run twice."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yingshang.audit.events import record as audit_record
from yingshang.core.exports import MAX_SHEET_ROWS, build_workbook, exporter_line

from .models import ExportJob


@task()
def warnings_scan() -> int:
    from .services import warnings_refresh_all

    return warnings_refresh_all()


def _query_dict(query: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query).items()}


@task()
def run_export(job_id: int) -> None:
    from . import selectors

    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return
    user = job.user
    filters = selectors.TaskFilters.from_query(_query_dict(job.query))
    qs = selectors.task_list(user, filters)
    total = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, total=total, done=0)
    step = max(1000, total // 50)

    def rows():
        done = 0
        for chunk_start in range(0, total, 2000):
            for row in selectors.task_rows(qs[chunk_start : chunk_start + 2000]):
                yield selectors.export_row(row)
                done += 1
                if done % step == 0:
                    ExportJob.objects.filter(pk=job.pk).update(done=done)

    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    try:
        if total > MAX_SHEET_ROWS - 4:
            # Beyond one sheet's row limit: CSV (UTF-8 with BOM so Excel reads the Chinese correctly).
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(selectors.EXPORT_HEADERS)
            for values in rows():
                writer.writerow(["" if v is None else v for v in values])
            writer.writerow([])
            writer.writerow([exporter_line(user)])
            content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
            name = f"台账导出-{stamp}.csv"
        else:
            content, _ = build_workbook(
                title="重点任务台账",
                headers=selectors.EXPORT_HEADERS,
                rows=rows(),
                user=user,
                widths=[8, 60, 24, 24, 16, 12, 10, 10, 10, 14, 14],
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


@task()
def purge_stale_imports() -> int:
    """Daily: remove cached parses of import previews nobody confirmed or cancelled."""
    from .importing.staging import purge_stale

    return purge_stale()
