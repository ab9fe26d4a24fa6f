"""Journey (b): an enterprise without an account submits an appeal and follows it with its tracking code while
the office dispatches it, the department signs and replies, and the office's follow-up concludes it."""

import pytest

from yingshang.appeals.models import Appeal
from yingshang.core.tests.proof.world import build_world, credit_code

from .conftest import screenshot
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "厂区门前道路破损影响货车通行"


def track(page, code: str, last4: str) -> str:
    page.goto("/appeals/track/")
    page.fill("input[name=code]", code)
    page.fill("input[name=last4]", last4)
    page.click("button:has-text('查询')")
    badge = page.wait_for_selector(f"h2:has-text('{TITLE}') .badge")
    return badge.inner_text().strip()


def test_enterprise_appeal_from_submission_to_conclusion(new_page):
    world = build_world()
    public = new_page()

    # 1. The enterprise submits the public form, no account.
    public.goto("/appeals/submit/")
    public.fill("input[name=enterprise_name]", "丙制造有限公司")
    public.fill("input[name=credit_code]", credit_code(150))
    public.fill("input[name=contact_name]", "李经理")
    public.fill("input[name=contact_phone]", "13712345678")
    public.select_option("select[name=category]", "help")
    public.fill("input[name=title]", TITLE)
    public.fill("textarea[name=description]", "诉求：厂区门前道路破损严重，货车进出困难，请求协调修复。")
    public.check("input[name=consent]")
    public.click("button:has-text('提交诉求')")
    public.wait_for_url("**/appeals/submitted/")
    code = public.locator("p.display-6").inner_text().strip()
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.state == "submitted" and appeal.title == TITLE
    assert track(public, code, "5678") == Appeal.State.SUBMITTED.label

    # 2. The office dispatches it to department A.
    office = new_page()
    sign_in(office, world.users["office"])
    office.goto(f"/appeals/{appeal.pk}/")
    office.select_option("select[name=main_department]", str(world.departments["a"].pk))
    office.click("form[action$='/dispatch/'] button")
    office.wait_for_selector("text=已派单。")
    assert track(public, code, "5678") == Appeal.State.DISPATCHED.label

    # 3. Department A's liaison signs and replies.
    liaison = new_page()
    sign_in(liaison, world.users["liaison"])
    liaison.goto(f"/appeals/{appeal.pk}/")
    liaison.click("form[action$='/sign/'] button")
    liaison.wait_for_selector("text=已签收。")
    assert track(public, code, "5678") == Appeal.State.SIGNED.label
    liaison.fill("form[action$='/reply/'] textarea[name=content]", "已协调市政部门于本周修复厂区门前道路。")
    liaison.click("form[action$='/reply/'] summary")
    liaison.click("form[action$='/reply/'] button")
    liaison.wait_for_selector("form[action$='/reply/']", state="detached")
    assert track(public, code, "5678") == Appeal.State.REPLIED.label

    # 4. The office's follow-up call concludes it.
    office.goto(f"/appeals/{appeal.pk}/")
    office.check("#s-satisfied")
    office.check("#sv1")
    office.fill("form[action$='/follow-up/'] textarea[name=note]", "企业表示满意，道路已修复。")
    office.click("form[action$='/follow-up/'] button")
    office.wait_for_selector("form[action$='/follow-up/']", state="detached")

    assert track(public, code, "5678") == Appeal.State.CONCLUDED.label
    appeal.refresh_from_db()
    assert appeal.state == "concluded"
    # a wrong last-four finds nothing
    public.goto("/appeals/track/")
    public.fill("input[name=code]", code)
    public.fill("input[name=last4]", "0000")
    public.click("button:has-text('查询')")
    public.wait_for_load_state("domcontentloaded")
    assert public.locator(f"h2:has-text('{TITLE}')").count() == 0
    track(public, code, "5678")
    screenshot(public, "appeal_journey")
