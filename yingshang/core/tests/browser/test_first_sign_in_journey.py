"""Issue 13 (done when): an account a system administrator has just created signs in for the first time, must
set its own password (and, for a role that needs a second factor, bind an authenticator), and reaches its home
page: no copy of a page nested in another, and the open page makes no more than 5 requests a second."""

import base64

import pytest
from django_otp.oath import totp

from .conftest import page_copies, requests_during, screenshot
from .signin import submit_code, submit_password

pytestmark = pytest.mark.browser

TEMPORARY = "Tmp-Passw0rd-2026"
CHOSEN = "Xin-Mima#2026a"
WATCH_SECONDS = 10
MAX_REQUESTS_PER_SECOND = 5


def create_account(served_app, username: str, role: str) -> None:
    department = "YSB" if role == "office" else "SCJ"  # the demo office, the demo market regulator
    served_app.shell(
        "from yingshang.org import services\n"
        "services.user_create(\n"
        "    actor=User.objects.get(username='sysadmin'),\n"
        f"    username={username!r}, password={TEMPORARY!r}, real_name='新入职同事', roles={{{role!r}}},\n"
        f"    department=Department.objects.get(code={department!r}),\n"
        "    must_change_password=True,\n"
        ")"
    )


def assert_calm(page, where: str) -> None:
    made = requests_during(page, WATCH_SECONDS)
    assert len(made) <= MAX_REQUESTS_PER_SECOND * WATCH_SECONDS, f"{len(made)} requests in 10 s on {where}"
    assert page_copies(page) == (1, 1), f"a page nested in the {where} page"


@pytest.mark.parametrize(
    ("username", "role"), [("xin_lianluo", "liaison"), ("xin_yingshang", "office")], ids=["liaison", "office"]
)
def test_new_account_first_sign_in_reaches_home(new_page, served_app, username, role):
    create_account(served_app, username, role)
    page = new_page()
    submit_password(page, username, TEMPORARY)
    assert page.url.endswith("/accounts/password/")
    assert_calm(page, "forced password change")

    page.fill("input[name=old_password]", TEMPORARY)
    page.fill("input[name=new_password1]", CHOSEN)
    page.fill("input[name=new_password2]", CHOSEN)
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    if role == "office":  # the role needs a second factor: bind the authenticator shown on the page
        page.wait_for_url("**/accounts/otp/setup/**")
        assert_calm(page, "authenticator binding")
        secret = page.locator("code").inner_text().strip()
        submit_code(page, f"{totp(base64.b32decode(secret)):06d}")

    assert page.url.rstrip("/") == served_app.url, page.url
    assert page.locator("input[name=new_password1]").count() == 0
    assert_calm(page, "home")
    screenshot(page, f"first_sign_in_{role}")
    state = served_app.query(
        "(user.must_change_password, user.totpdevice_set.filter(confirmed=True).count())",
        setup=f"user = User.objects.get(username={username!r})",
    )
    assert state == [False, 1 if role == "office" else 0]
