"""Journey (a): the office imports a ledger from an .xlsx; the lead department's liaison reports progress and
asks to close the task with evidence; the office returns the request, the liaison asks again, the office
approves it. On the served app (gunicorn with 3 workers), its records read from the served database."""

import io

import openpyxl
import pytest

from .conftest import screenshot
from .signin import sign_in

pytestmark = pytest.mark.browser

TASK = "验证批次：企业开办全程网办，办理时间压缩至1个工作日"
OTHER_TASK = "验证批次：涉企收费专项治理，清理规范涉企收费项目。"
PDF = {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 acceptance report"}
LEDGER = "from yingshang.ledger.models import CloseOutRequest, Task"


def ledger_xlsx(title: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws.append([title])
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_ledger(page, content: bytes, created: int) -> None:
    page.goto("/ledger/import/")
    page.set_input_files(
        "#id_file", {"name": "分工方案.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector(f"text=确认导入（新建 {created}")
    page.click("button:has-text('确认导入')")
    page.wait_for_function("() => !location.pathname.startsWith('/ledger/import/')")


def request_close_out(page, task_id: int, summary: str) -> None:
    page.goto(f"/ledger/tasks/{task_id}/")
    form = page.locator("form[action$='/close-out/']")
    form.locator("textarea[name=summary]").fill(summary)
    form.locator("input[name=evidence]").set_input_files(PDF)
    form.locator("button").click()
    page.wait_for_selector("form[action$='/close-out/']", state="detached")


def test_ledger_import_report_and_close_out(new_page, served_app):
    def task_state() -> str:
        return served_app.query(f"Task.objects.get(pk={task_id}).state", setup=LEDGER)

    # 1. The office imports the task-division workbook.
    office = new_page()
    sign_in(office, served_app, "office")
    import_ledger(
        office,
        ledger_xlsx(
            "示例市2026年优化营商环境重点任务分工方案（验证批次）",
            [
                (TASK, "示例市市场监督管理局", "示例市住房和城乡建设局", "2026年12月底前"),
                (OTHER_TASK, "示例市住房和城乡建设局", "", "持续推进"),
            ],
        ),
        created=2,
    )
    task_id = served_app.query(f"Task.objects.get(title={TASK!r}).pk", setup=LEDGER)
    assert served_app.query(f"Task.objects.filter(title={OTHER_TASK!r}).count()", setup=LEDGER) == 1

    # 2. The market regulator's liaison reports progress, then asks to close the task with evidence.
    liaison = new_page()
    sign_in(liaison, served_app, "liaison")
    liaison.goto(f"/ledger/tasks/{task_id}/")
    report = liaison.locator("form[action$='/report/']")
    report.locator("textarea[name=text]").fill("已实现企业开办全程网办，平均用时0.8个工作日。")
    report.locator("input[name=percent]").fill("100")
    report.locator("button").click()
    liaison.wait_for_selector("text=平均用时0.8个工作日")
    request_close_out(liaison, task_id, "已完成全部工作，附验收报告。")
    assert task_state() == "close_requested"

    # 3. The office returns it with a reason.
    office.goto(f"/ledger/tasks/{task_id}/")
    review = office.locator("form[action$='/review/']")
    review.locator("textarea[name=reason]").fill("缺少第三方验收意见，请补充后重新申请。")
    review.locator("button[value=reject]").click()
    office.wait_for_selector("text=已退回销号申请。")
    assert task_state() == "in_progress"

    # 4. The liaison asks again; the office approves.
    request_close_out(liaison, task_id, "已补充第三方验收意见。")
    office.goto(f"/ledger/tasks/{task_id}/")
    office.locator("form[action$='/review/'] summary").click()
    office.locator("form[action$='/review/'] button[value=approve]").click()
    office.wait_for_selector("text=已同意销号。")
    assert served_app.query(
        f"list(Task.objects.filter(pk={task_id}).values_list('state', 'percent'))", setup=LEDGER
    ) == [["closed", 100]]
    assert served_app.query(
        f"list(CloseOutRequest.objects.filter(task_id={task_id}).order_by('id').values_list('outcome', flat=True))",
        setup=LEDGER,
    ) == ["rejected", "approved"]
    screenshot(office, "ledger_journey")
