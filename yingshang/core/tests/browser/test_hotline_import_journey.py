"""Issue 13.3: the office imports 12345 hotline orders five times in a row on the served app (three gunicorn
workers); each upload's confirmation imports its orders, whichever worker answers it."""

import pytest

from .conftest import screenshot
from .signin import sign_in

pytestmark = pytest.mark.browser

ROUNDS = 5
HEADER = "工单编号,受理时间,企业名称,联系人,联系电话,诉求类型,标题,诉求内容"


def hotline_csv(batch: int) -> bytes:
    lines = [HEADER]
    for n in (1, 2):
        lines.append(
            f"RX2026{batch:02d}{n:03d},2026-11-2{n} 09:30,示例热线测试企业{batch}{n}有限公司,王先生,1390000{batch:02d}{n:02d},"
            f"求助,第{batch}批第{n}件,诉求：企业反映办理施工许可材料重复提交，请求协调（第{batch}批第{n}件）。"
        )
    return ("\n".join(lines) + "\n").encode()


def imported(served_app, batch: int) -> int:
    return served_app.query(
        f"Appeal.objects.filter(external_id__startswith='RX2026{batch:02d}').count()",
        setup="from yingshang.appeals.models import Appeal",
    )


def test_hotline_import_confirmed_five_times_in_a_row(new_page, served_app):
    page = new_page()
    sign_in(page, served_app, "office")
    for batch in range(1, ROUNDS + 1):
        page.goto("/appeals/import/")
        page.set_input_files(
            "input[name=file]",
            {"name": f"12345工单{batch}.csv", "mimeType": "text/csv", "buffer": hotline_csv(batch)},
        )
        with page.expect_navigation():
            page.click("button:has-text('上传并预览')")
        with page.expect_navigation():
            page.click("button:has-text('确认导入')")
        assert "预览已过期" not in page.inner_text("main"), f"confirmation {batch} lost its preview"
        page.wait_for_selector("text=已导入 2 条热线工单")
        assert imported(served_app, batch) == 2, f"confirmation {batch}"
    screenshot(page, "hotline_import")
