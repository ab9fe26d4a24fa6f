"""Journey (a): the office imports a ledger from an .xlsx; the lead department's liaison reports progress and
asks to close the task with evidence; the office returns the request, the liaison asks again, the office
approves it."""

import io

import openpyxl
import pytest

from yingshang.core.tests.proof.world import build_world
from yingshang.ledger.models import CloseOutRequest, Task

from .conftest import screenshot
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TASK = "企业开办全程网办，办理时间压缩至1个工作日"
PDF = {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 acceptance report"}


def ledger_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    for row in [
        ["示例市2026年优化营商环境重点任务分工方案"],
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        [1, TASK, "示例市甲局", "示例市乙局", "2026年12月底前"],
        [2, "涉企收费专项治理，清理规范涉企收费项目。", "示例市乙局", "", "持续推进"],
    ]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def request_close_out(page, task: Task, summary: str) -> None:
    page.goto(f"/ledger/tasks/{task.pk}/")
    form = page.locator("form[action$='/close-out/']")
    form.locator("textarea[name=summary]").fill(summary)
    form.locator("input[name=evidence]").set_input_files(PDF)
    form.locator("button").click()
    page.wait_for_selector("form[action$='/close-out/']", state="detached")


def test_ledger_import_report_and_close_out(new_page):
    world = build_world()

    # 1. The office imports the task-division workbook.
    office = new_page()
    sign_in(office, world.users["office"])
    office.goto("/ledger/import/")
    office.set_input_files(
        "#id_file", {"name": "分工方案.xlsx", "mimeType": "application/octet-stream", "buffer": ledger_xlsx()}
    )
    office.click("button:has-text('上传并预览')")
    office.wait_for_selector("text=确认导入（新建 2")
    office.click("button:has-text('确认导入')")
    office.wait_for_function("() => !location.pathname.startsWith('/ledger/import/')")
    task = Task.objects.get(title__startswith="企业开办全程网办")
    assert Task.objects.filter(title__startswith="涉企收费专项治理").count() == 1

    # 2. Department A's liaison reports progress, then asks to close the task with evidence.
    liaison = new_page()
    sign_in(liaison, world.users["liaison"])
    liaison.goto(f"/ledger/tasks/{task.pk}/")
    report = liaison.locator("form[action$='/report/']")
    report.locator("textarea[name=text]").fill("已实现企业开办全程网办，平均用时0.8个工作日。")
    report.locator("input[name=percent]").fill("100")
    report.locator("button").click()
    liaison.wait_for_selector("text=平均用时0.8个工作日")
    request_close_out(liaison, task, "已完成全部工作，附验收报告。")
    task.refresh_from_db()
    assert task.state == "close_requested"

    # 3. The office returns it with a reason.
    office.goto(f"/ledger/tasks/{task.pk}/")
    review = office.locator("form[action$='/review/']")
    review.locator("textarea[name=reason]").fill("缺少第三方验收意见，请补充后重新申请。")
    review.locator("button[value=reject]").click()
    office.wait_for_selector("text=已退回销号申请。")
    task.refresh_from_db()
    assert task.state == "in_progress"
    assert CloseOutRequest.objects.get(task=task).outcome == "rejected"

    # 4. The liaison asks again; the office approves.
    request_close_out(liaison, task, "已补充第三方验收意见。")
    office.goto(f"/ledger/tasks/{task.pk}/")
    office.locator("form[action$='/review/'] summary").click()
    office.locator("form[action$='/review/'] button[value=approve]").click()
    office.wait_for_selector("text=已同意销号。")
    task.refresh_from_db()
    assert task.state == "closed" and task.percent == 100
    assert list(
        CloseOutRequest.objects.filter(task=task).order_by("id").values_list("outcome", flat=True)
    ) == [
        "rejected",
        "approved",
    ]
    screenshot(office, "ledger_journey")
