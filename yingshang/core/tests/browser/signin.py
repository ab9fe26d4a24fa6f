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
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    if device is not None:
        page.wait_for_selector("input[name=token]")
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.press("input[name=token]", "Enter")
        page.wait_for_load_state("domcontentloaded")
    if "/accounts/otp/" in page.url or "/accounts/login/" in page.url:
        raise AssertionError(
            f"sign-in as {user.username} stopped at {page.url}: {page.inner_text('main')[:300]}"
        )
