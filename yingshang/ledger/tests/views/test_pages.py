from datetime import date, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingshang.audit.models import AuditRecord
from yingshang.core.office_settings import office_setting_change
from yingshang.ledger import services
from yingshang.ledger.models import CloseOutRequest, ExportJob, ProgressReport, SavedFilter, Task
from yingshang.ledger.tests.conftest import pdf
from yingshang.org import roles as r


def _aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10))


@pytest.fixture
def tasks(ledger):
    """Three tasks: one reported on time (green), one never reported (red by now), one closed."""
    a = ledger["make_task"](
        title="企业开办一件事", serial="1", start_date=timezone.localdate(), deadline=date(2099, 12, 31)
    )
    b = ledger["make_task"](
        title="工程建设项目审批提速", serial="2", lead_departments=[ledger["other"]], co_departments=[]
    )
    c = ledger["make_task"](title="水电气联合报装", serial="3")
    services.progress_report_submit(actor=ledger["liaison"], task=c, text="完成", percent=100)
    services.close_out_request(actor=ledger["liaison"], task=c, summary="完成", evidence=[pdf()])
    services.close_out_review(actor=ledger["office"], task=c, approve=True, reason="同意")
    return a, b, c


def test_list_page_query_count_does_not_grow_with_rows(
    ledger, tasks, login, client, django_assert_num_queries
):
    login(ledger["office"])
    url = reverse("ledger:list")
    client.get(url)  # warm the session and content-type caches
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    for i in range(5):
        ledger["make_task"](title=f"追加任务{i}")
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count('href="/ledger/tasks/') == 8


def test_liaison_sees_lead_and_co_tasks_only_and_guessed_id_is_404(ledger, tasks, login, client):
    a, b, _c = tasks
    login(ledger["co_liaison"])
    body = client.get(reverse("ledger:list")).content.decode()
    assert "企业开办一件事" in body and "水电气联合报装" in body and "工程建设项目审批提速" not in body
    assert client.get(reverse("ledger:task", args=[b.pk])).status_code == 404
    assert client.get(reverse("ledger:task", args=[a.pk])).status_code == 200


def test_warning_filter_runs_in_database(ledger, tasks, login, client):
    a, b, c = tasks
    login(ledger["office"])
    red = client.get(reverse("ledger:list"), {"warning": "red"}).context["rows"]
    assert [row.task.pk for row in red] == [b.pk]
    green = client.get(reverse("ledger:list"), {"warning": "green"}).context["rows"]
    assert [row.task.pk for row in green] == [a.pk]
    closed = client.get(reverse("ledger:list"), {"state": "closed"}).context["rows"]
    assert [row.task.pk for row in closed] == [c.pk]
    keyword = client.get(reverse("ledger:list"), {"q": "审批"}).context["rows"]
    assert [row.task.pk for row in keyword] == [b.pk]
    by_dept = client.get(reverse("ledger:list"), {"department": ledger["co"].pk}).context["rows"]
    assert [row.task.pk for row in by_dept] == [a.pk, c.pk]
    ranged = client.get(reverse("ledger:list"), {"deadline_from": "2099-01-01"}).context["rows"]
    assert [row.task.pk for row in ranged] == [a.pk]


def test_htmx_request_returns_only_results_fragment(ledger, tasks, login, client, django_assert_num_queries):
    login(ledger["office"])
    client.get(reverse("ledger:list"))
    # The fragment skips what only the filter form needs (saved filters, option lists): 4 queries fewer.
    with django_assert_num_queries(6):
        body = client.get(reverse("ledger:list"), HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="results">') and "<html" not in body
    assert body.count('href="/ledger/tasks/') == 3


def test_filter_form_keeps_the_chosen_options(ledger, tasks, login, client):
    login(ledger["office"])
    query = {
        "department": ledger["co"].pk,
        "category": ledger["category"].pk,
        "document": ledger["document"].pk,
    }
    body = client.get(reverse("ledger:list"), query).content.decode()
    for value in query.values():
        assert f'<option value="{value}" selected>' in body
    assert f'<option value="{ledger["lead"].pk}">示例市牵头局</option>' in body


def test_export_is_exactly_what_is_on_screen(ledger, tasks, login, client):
    _a, _b, _c = tasks
    login(ledger["office"])
    response = client.get(reverse("ledger:export"), {"warning": "red"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:5] == ("序号", "重点任务/具体措施", "牵头单位", "配合单位", "完成时限")
    assert rows[1][5:] == ("类别", "状态", "完成进度（%）", "预警", "最近反馈日期", "销号日期")
    assert rows[2][:9] == (
        "2",
        "工程建设项目审批提速",
        "示例市无关局",
        None,
        "2026-12-31",
        "政务环境",
        "未启动",
        0,
        "红色预警",
    )
    assert rows[3] == (None,) * 11
    assert rows[4][0].startswith("导出人：")
    record = AuditRecord.objects.get(action="ledger.export")
    assert record.after == {"rows": 1, "filters": {"warning": "red"}}


def test_large_export_runs_in_background(ledger, login, client, django_capture_on_commit_callbacks):
    for i in range(101):
        ledger["make_task"](title=f"任务{i}")
    office_setting_change(actor=ledger["office"], key="ledger_export_sync_rows", raw_value="100")
    login(ledger["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("ledger:export"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:export_job", args=[job.pk])
    assert (job.status, job.total, job.done) == ("done", 101, 101)
    download = client.get(reverse("ledger:export_download", args=[job.pk]))
    ws = load_workbook(BytesIO(b"".join(download.streaming_content))).active
    assert ws.max_row == 2 + 101 + 2
    other = ledger["liaison"]
    login(other)
    assert client.get(reverse("ledger:export_download", args=[job.pk])).status_code == 404


def test_saved_filter_round_trip(ledger, login, client):
    login(ledger["liaison"])
    client.post(reverse("ledger:filter_save"), {"name": "红色预警", "query": "warning=red"})
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.query) == (ledger["liaison"], "warning=red")
    assert "红色预警" in client.get(reverse("ledger:list")).content.decode()
    login(ledger["co_liaison"])
    client.post(reverse("ledger:filter_delete", args=[saved.pk]))
    assert SavedFilter.objects.count() == 1


def test_liaison_reports_progress_with_evidence_and_requests_close_out(ledger, login, client):
    task = ledger["make_task"]()
    login(ledger["liaison"])
    page = client.get(reverse("ledger:task", args=[task.pk])).content.decode()
    assert "反馈进展" in page and "申请销号" in page
    client.post(
        reverse("ledger:report", args=[task.pk]),
        {"text": "已出台方案", "percent": "40", "version": "0", "evidence": pdf()},
    )
    report = ProgressReport.objects.get()
    assert (report.text, report.percent) == ("已出台方案", 40)
    task.refresh_from_db()
    # Refused without evidence: nothing changes.
    response = client.post(
        reverse("ledger:close_out", args=[task.pk]), {"summary": "完成", "version": task.version}, follow=True
    )
    assert "证明材料" in response.content.decode()
    assert Task.objects.get(pk=task.pk).state == "in_progress" and CloseOutRequest.objects.count() == 0
    client.post(
        reverse("ledger:close_out", args=[task.pk]),
        {"summary": "完成", "version": task.version, "evidence": pdf()},
    )
    assert Task.objects.get(pk=task.pk).state == "close_requested"


def test_office_review_queue_and_reject_with_reason(ledger, login, client):
    task = ledger["make_task"]()
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    login(ledger["office"])
    queue = client.get(reverse("ledger:review")).content.decode()
    assert task.title in queue
    client.post(
        reverse("ledger:close_out_review", args=[task.pk]), {"decision": "reject", "reason": "", "version": 1}
    )
    assert Task.objects.get(pk=task.pk).state == "close_requested"
    client.post(
        reverse("ledger:close_out_review", args=[task.pk]),
        {"decision": "reject", "reason": "缺验收报告", "version": 1},
    )
    assert Task.objects.get(pk=task.pk).state == "in_progress"
    assert CloseOutRequest.objects.get().review_note == "缺验收报告"


def test_liaison_cannot_review_or_cancel(ledger, login, client):
    task = ledger["make_task"]()
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    login(ledger["liaison"])
    assert client.get(reverse("ledger:review")).status_code == 403
    client.post(reverse("ledger:close_out_review", args=[task.pk]), {"decision": "approve"})
    client.post(reverse("ledger:action", args=[task.pk]), {"action": "cancel", "reason": "x"})
    fresh = Task.objects.get(pk=task.pk)
    assert (fresh.state, fresh.version) == ("close_requested", 1)


def test_my_tasks_groups_late_and_due(ledger, tasks, login, client, make_user):
    _a, b, _c = tasks
    login(make_user(r.LIAISON, department=ledger["other"]))
    response = client.get(reverse("ledger:mine"))
    assert [i["task"].pk for i in response.context["late"]] == [b.pk]
    assert response.context["due"] == [] and response.context["other"] == []


def test_document_page_and_implementation_report_formats(ledger, tasks, login, client):
    login(ledger["office"])
    doc = ledger["document"]
    page = client.get(reverse("ledger:document", args=[doc.pk]))
    assert page.context["totals"] == {"total": 3, "closed": 1, "red": 1, "yellow": 0}
    report = client.get(reverse("ledger:implementation_report", args=[doc.pk]))
    assert report.context["rows"][-1] == ["", "合计", 3, 1, 1, 0, 1, 1]
    xlsx = client.get(reverse("ledger:implementation_report", args=[doc.pk]), {"format": "xlsx"})
    ws = load_workbook(BytesIO(xlsx.content)).active
    assert [c.value for c in ws[2]] == [
        "序号",
        "牵头单位",
        "任务总数",
        "已销号",
        "正常推进",
        "黄色预警",
        "红色预警",
        "未按时反馈",
    ]
    docx = client.get(reverse("ledger:implementation_report", args=[doc.pk]), {"format": "docx"})
    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert "共明确任务 3 项" in text and "红色预警 1 项" in text


def test_implementation_report_as_of_earlier_date_ignores_later_reports(ledger, login, client):
    task = ledger["make_task"]()
    services.progress_report_submit(
        actor=ledger["liaison"],
        task=task,
        text="x",
        percent=10,
        period_start=date(2026, 1, 1),
        submitted_at=_aware(2026, 4, 3),
    )
    from yingshang.ledger import selectors

    on_time = selectors.implementation_report(ledger["document"], date(2026, 4, 20), ledger["office"])
    assert [(x.total, x.on_track, x.yellow, x.red, x.missing) for x in on_time] == [(1, 1, 0, 0, 0)]
    before = selectors.implementation_report(ledger["document"], date(2026, 4, 2), ledger["office"])
    assert [(x.total, x.on_track, x.yellow) for x in before] == [(1, 1, 0)]


def test_categories_page_office_only(ledger, login, client):
    login(ledger["liaison"])
    assert client.get(reverse("ledger:categories")).status_code == 403
    login(ledger["office"])
    client.post(reverse("ledger:categories"), {"code": "innovation", "name": "创新环境"})
    from yingshang.ledger.models import Category

    assert Category.objects.filter(name="创新环境").exists()
    assert Category.objects.count() == 6


def test_review_queue_and_my_tasks_query_counts(ledger, login, client, django_assert_num_queries):
    for i in range(3):
        task = ledger["make_task"](title=f"待审{i}")
        services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    login(ledger["office"])
    client.get(reverse("ledger:review"))
    with django_assert_num_queries(6):
        client.get(reverse("ledger:review"))
    login(ledger["liaison"])
    client.get(reverse("ledger:mine"))
    with django_assert_num_queries(8):
        client.get(reverse("ledger:mine"))
    ledger["make_task"](title="新任务甲")
    ledger["make_task"](title="新任务乙")
    with django_assert_num_queries(8):
        response = client.get(reverse("ledger:mine"))
    assert len(response.context["other"]) + len(response.context["due"]) + len(response.context["late"]) == 5


@pytest.mark.parametrize(
    "role,shown",
    [(r.OFFICE, True), (r.LEADER, True), (r.INSPECTOR, True), (r.DISCIPLINE, False)],
)
def test_supervision_link_for_the_supervising_roles(ledger, login, client, make_user, role, shown):
    task = ledger["make_task"]()
    link = f"{reverse('supervision:item')}?target=ledger.task:{task.pk}"
    login(make_user(role))
    page = client.get(reverse("ledger:task", args=[task.pk]))
    assert page.status_code == 200
    assert (link in page.content.decode()) is shown
    if shown:
        assert client.get(link).status_code == 200


def test_no_supervision_link_for_the_departments(ledger, login, client):
    task = ledger["make_task"]()
    for user in (ledger["liaison"], ledger["head"], ledger["co_liaison"]):
        login(user)
        page = client.get(reverse("ledger:task", args=[task.pk]))
        assert page.status_code == 200 and "?target=ledger.task:" not in page.content.decode()


def test_task_page_query_count_does_not_grow_with_history(ledger, login, client, django_assert_num_queries):
    task = ledger["make_task"](start_date=date(2025, 1, 1))
    url = reverse("ledger:task", args=[task.pk])
    login(ledger["liaison"])
    client.get(url)
    with django_assert_num_queries(15):
        client.get(url)
    for i, period in enumerate([date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]):
        services.contribution_submit(actor=ledger["co_liaison"], task=task, text=f"配合{i}")
        services.progress_report_submit(
            actor=ledger["liaison"], task=task, text=f"进展{i}", percent=10 * (i + 1), period_start=period
        )
    services.contribution_submit(actor=ledger["co_liaison"], task=task, text="待汇总")
    client.get(url)  # warm the content-type cache for the reports
    with django_assert_num_queries(16):  # one more: the reports' evidence files
        page = client.get(url)
    body = page.content.decode()
    assert [r.folded[0].text for r in page.context["reports"]] == ["配合2", "配合1", "配合0"]
    assert [c.text for c in page.context["open_contributions"]] == ["待汇总"]
    assert "配合0" in body and "待汇总" in body
