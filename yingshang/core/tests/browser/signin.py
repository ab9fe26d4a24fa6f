"""Signing in as a real user through the pages of the served app: user name and password, then the dynamic code
for roles that must use a second factor (computed from the device's secret, as an authenticator app does)."""

from django.conf import settings

from yingshang.org.demo import ACCOUNTS, DEMO_PASSWORD

DEMO_ROLES = {username: roles for username, _, roles, _ in ACCOUNTS}


def needs_factor(username: str) -> bool:
    return bool(DEMO_ROLES.get(username, set()) & set(settings.OTP_REQUIRED_ROLES))


def submit_password(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def submit_code(page, code: str) -> None:
    field = page.wait_for_selector("input[name=token]")
    field.fill(code)
    with page.expect_navigation():
        field.press("Enter")


def sign_in(page, served, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a demo account in; one that needs a factor uses its bound authenticator (bound beforehand)."""
    if needs_factor(username):
        served.totp_key(username)
    submit_password(page, username, password)
    for _ in range(
        3
    ):  # a keystroke racing the page's autofocus can post an empty field: again, with a new code
        if "/accounts/otp/verify/" not in page.url:
            break
        submit_code(page, served.totp(username))
    if "/accounts/" in page.url:
        raise AssertionError(f"sign-in as {username} stopped at {page.url}: {page.inner_text('main')[-300:]}")
