"""Signing in as a real user through the pages: user name and password, then the dynamic code for roles
that must use a second factor (the code is computed from the device key, as an authenticator app does)."""

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.core.tests.proof.world import PASSWORD


def sign_in(page, user) -> None:
    device = None
    if user.has_role(*settings.OTP_REQUIRED_ROLES):  # bound earlier, as on the otp setup page
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="浏览器验证", defaults={"confirmed": True}
        )
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url("**/accounts/otp/verify/**")
        token = f"{totp(device.bin_key):06d}"
        for _ in range(3):  # a keystroke racing the page's autofocus can post an empty field; not the code
            field = page.wait_for_selector("input[name=token]")
            field.fill(token)
            with page.expect_navigation():
                field.press("Enter")
            if "/accounts/otp/verify/" not in page.url or "动态口令不正确" in page.content():
                break
    if "/accounts/otp/" in page.url or "/accounts/login/" in page.url:
        raise AssertionError(
            f"sign-in as {user.username} stopped at {page.url}: {page.inner_text('main')[:300]}"
        )
