"""Journey (c): the office computes a month's assessment, freezes it and downloads the bulletin (.docx). On the
served app, its records read from the served database."""

import io
import zipfile

import pytest

from yingshang.assessment.demo import DEMO_SET_NAME

from .conftest import screenshot
from .signin import sign_in

pytestmark = pytest.mark.browser

ASSESSMENT = "from yingshang.assessment.models import AssessmentRun, IndicatorSet"
PERIOD = "2026-10"  # a finished month the demo city has not assessed


def test_compute_freeze_and_download_the_bulletin(new_page, served_app):
    def run_states() -> list[str]:
        return served_app.query(
            f"list(AssessmentRun.objects.filter(period_code={PERIOD!r}).values_list('state', flat=True))",
            setup=ASSESSMENT,
        )

    indicator_set_id = served_app.query(
        f"IndicatorSet.objects.get(name={DEMO_SET_NAME!r}).pk", setup=ASSESSMENT
    )
    assert run_states() == []
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "确定冻结结果？"
    sign_in(page, served_app, "office")

    page.goto("/assessment/")
    compute = page.locator("form[action$='/assessment/compute/']")
    compute.locator("input[name=period]").fill(PERIOD)
    compute.locator("select[name=indicator_set]").select_option(str(indicator_set_id))
    compute.locator("button").click()
    page.wait_for_url("**/assessment/runs/*/")
    assert run_states() == ["draft"]

    page.locator("form:has(input[name=action][value=freeze]) button").click()
    page.wait_for_selector("a:has-text('通报')")
    assert run_states() == ["frozen"]

    page.click("a:has-text('通报')")
    with page.expect_download() as info:
        page.click("a:has-text('生成并下载公文（.docx）')")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as f:
        data = f.read()
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        body = docx.read("word/document.xml").decode()
    assert "2026" in body and "考核" in body
    screenshot(page, "assessment_journey")
