from datetime import date

from yingshang.core.office_settings import office_setting_change
from yingshang.core.schedule import PERIODIC_JOBS
from yingshang.ledger import jobs, services
from yingshang.ledger.models import ExportJob, Task


def test_warning_scan_is_a_periodic_job_and_idempotent(ledger):
    assert any(j.task == "yingshang.ledger.jobs.warnings_scan" for j in PERIODIC_JOBS)
    task = ledger["make_task"]()
    office_setting_change(actor=ledger["office"], key="ledger_yellow_workdays", raw_value="120")
    jobs.warnings_scan.enqueue()
    jobs.warnings_scan.enqueue()
    task.refresh_from_db()
    # 120 working days before 31 December 2026 falls in July 2026; the report-based yellow date (9 April) is earlier the report-based yellow date.
    assert task.yellow_at == date(2026, 4, 9)
    office_setting_change(actor=ledger["office"], key="ledger_report_due_workdays", raw_value="30")
    jobs.warnings_scan.enqueue()
    task.refresh_from_db()
    assert task.yellow_at > date(2026, 4, 9)
    assert Task.objects.get(pk=task.pk).yellow_at == task.yellow_at


def test_export_beyond_sheet_limit_writes_csv(ledger, monkeypatch):
    for i in range(3):
        ledger["make_task"](title=f"任务{i}", serial=str(i + 1))
    from yingshang.ledger.services import exports

    monkeypatch.setattr(exports, "MAX_SHEET_ROWS", 6)  # 3 rows + title, header, blank, footer > 6
    job = ExportJob.objects.create(user=ledger["office"], query="")
    jobs.run_export.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.file_name.endswith(".csv")
    text = job.file.open("rb").read().decode("utf-8-sig").splitlines()
    assert text[0].startswith("序号,重点任务/具体措施,牵头单位,配合单位,完成时限")
    assert [line.split(",")[0] for line in text[1:4]] == ["1", "2", "3"]
    assert text[-1].startswith("导出人：")


def test_export_job_respects_scope(ledger):
    ledger["make_task"](title="本单位")
    ledger["make_task"](title="他单位", lead_departments=[ledger["other"]], co_departments=[])
    job = ExportJob.objects.create(user=ledger["co_liaison"], query="")
    jobs.run_export.enqueue(job.pk)
    job.refresh_from_db()
    assert (job.status, job.total) == ("done", 1)
    services.warnings_refresh_all()
