"""Attack: /accounts/otp/verify/?next=https://evil.example/phish sent the user, just verified, to another
site. Every `next` now goes through one check (org.signin.safe_next_url)."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.audit.models import AuditRecord
from yingshang.org import roles as r

OUTSIDE = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "http://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]


def _password_sign_in(user, next_url=None) -> tuple[Client, object]:
    client = Client()
    url = reverse("org:login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": PASSWORD, "next": next_url or ""})
    return client, response


@pytest.mark.parametrize("target", OUTSIDE)
def test_otp_verify_does_not_redirect_outside(make_user, target):
    user = make_user(r.OFFICE)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    client, _ = _password_sign_in(user)
    response = client.post(
        reverse("org:otp_verify") + "?" + f"next={target}", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert AuditRecord.objects.filter(action="auth.otp_verified", actor_id=user.pk).count() == 1


def test_otp_verify_follows_a_local_next(make_user):
    user = make_user(r.OFFICE)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    client, _ = _password_sign_in(user)
    response = client.post(
        reverse("org:otp_verify") + "?next=/notify/", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.url == "/notify/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_login_does_not_redirect_outside(make_user, target):
    _, response = _password_sign_in(make_user(r.LIAISON), target)
    assert response.status_code == 302 and response.url == reverse("core:home")


@pytest.mark.parametrize("target", OUTSIDE)
def test_account_actions_do_not_redirect_outside(make_user, login, target):
    sysadmin, account = make_user(r.SYSADMIN), make_user(r.LIAISON)
    client = login(sysadmin)
    response = client.post(
        reverse("org:account_set_active", args=[account.pk]), {"active": "1", "next": target}
    )
    assert response.status_code == 302 and response.url == reverse("org:account_list")
    response = client.post(reverse("org:account_unlock", args=[account.pk]), {"next": target})
    assert response.status_code == 302 and response.url == reverse("org:account_list")


@pytest.mark.parametrize("target", OUTSIDE)
def test_language_switch_does_not_redirect_outside(client, target):
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302 and response.url == "/"
