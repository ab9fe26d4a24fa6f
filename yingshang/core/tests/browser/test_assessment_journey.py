"""Journey (c): the office computes a quarter's assessment, freezes it and downloads the bulletin (.docx)."""

import io
import zipfile

import pytest

from yingshang.assessment import services as assessment_services
from yingshang.assessment.demo import DEMO_INDICATORS
from yingshang.assessment.models import AssessmentRun
from yingshang.core.tests.proof.world import build_world

from .conftest import screenshot
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_compute_freeze_and_download_the_bulletin(new_page):
    world = build_world()
    office_user = world.users["office"]
    indicator_set = assessment_services.indicator_set_save(
        actor=office_user, name="验证考核指标体系", indicators=DEMO_INDICATORS, deduction_cap=10, bonus_cap=5
    )
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "确定冻结结果？"
    sign_in(page, office_user)

    page.goto("/assessment/")
    compute = page.locator("form[action$='/assessment/compute/']")
    compute.locator("input[name=period]").fill("2026-Q3")
    compute.locator("select[name=indicator_set]").select_option(str(indicator_set.pk))
    compute.locator("button").click()
    page.wait_for_url("**/assessment/runs/*/")
    run = AssessmentRun.objects.get()
    assert run.state == "draft"

    page.locator("form:has(input[name=action][value=freeze]) button").click()
    page.wait_for_selector("a:has-text('通报')")
    run.refresh_from_db()
    assert run.state == "frozen"

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
