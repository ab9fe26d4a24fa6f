"""Journey (b): an enterprise without an account submits an appeal and follows it with its tracking code while
the office dispatches it, the department signs and replies, and the office's follow-up concludes it. On the
served app, its records read from the served database."""

import pytest

from yingshang.appeals.models import Appeal
from yingshang.core.tests.proof.world import credit_code

from .conftest import screenshot
from .signin import sign_in

pytestmark = pytest.mark.browser

TITLE = "厂区门前道路破损影响货车通行"
APPEALS = "from yingshang.appeals.models import Appeal"
MARKET_REGULATOR = "示例市市场监督管理局"  # the demo liaison's department


def track(page, code: str, last4: str) -> str:
    page.goto("/appeals/track/")
    page.fill("input[name=code]", code)
    page.fill("input[name=last4]", last4)
    page.click("button:has-text('查询')")
    badge = page.wait_for_selector(f"h2:has-text('{TITLE}') .badge")
    return badge.inner_text().strip()


def test_enterprise_appeal_from_submission_to_conclusion(new_page, served_app):
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
    appeal_id, state, title = served_app.query(
        f"list(Appeal.objects.filter(tracking_code={code!r}).values_list('pk', 'state', 'title'))[0]",
        setup=APPEALS,
    )
    assert (state, title) == ("submitted", TITLE)
    assert track(public, code, "5678") == Appeal.State.SUBMITTED.label

    # 2. The office dispatches it to the market regulator.
    department_id = served_app.query(f"Department.objects.get(name={MARKET_REGULATOR!r}).pk")
    office = new_page()
    sign_in(office, served_app, "office")
    office.goto(f"/appeals/{appeal_id}/")
    office.select_option("select[name=main_department]", str(department_id))
    office.click("form[action$='/dispatch/'] button")
    office.wait_for_selector("text=已派单。")
    assert track(public, code, "5678") == Appeal.State.DISPATCHED.label

    # 3. The market regulator's liaison signs and replies.
    liaison = new_page()
    sign_in(liaison, served_app, "liaison")
    liaison.goto(f"/appeals/{appeal_id}/")
    liaison.click("form[action$='/sign/'] button")
    liaison.wait_for_selector("text=已签收。")
    assert track(public, code, "5678") == Appeal.State.SIGNED.label
    liaison.fill("form[action$='/reply/'] textarea[name=content]", "已协调市政部门于本周修复厂区门前道路。")
    liaison.click("form[action$='/reply/'] summary")
    liaison.click("form[action$='/reply/'] button")
    liaison.wait_for_selector("form[action$='/reply/']", state="detached")
    assert track(public, code, "5678") == Appeal.State.REPLIED.label

    # 4. The office's follow-up call concludes it.
    office.goto(f"/appeals/{appeal_id}/")
    office.check("#s-satisfied")
    office.check("#sv1")
    office.fill("form[action$='/follow-up/'] textarea[name=note]", "企业表示满意，道路已修复。")
    office.click("form[action$='/follow-up/'] button")
    office.wait_for_selector("form[action$='/follow-up/']", state="detached")

    assert track(public, code, "5678") == Appeal.State.CONCLUDED.label
    assert served_app.query(f"Appeal.objects.get(pk={appeal_id}).state", setup=APPEALS) == "concluded"
    # a wrong last-four finds nothing
    public.goto("/appeals/track/")
    public.fill("input[name=code]", code)
    public.fill("input[name=last4]", "0000")
    public.click("button:has-text('查询')")
    public.wait_for_load_state("domcontentloaded")
    assert public.locator(f"h2:has-text('{TITLE}')").count() == 0
    track(public, code, "5678")
    screenshot(public, "appeal_journey")
