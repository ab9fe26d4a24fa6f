"""Attack: with the password alone, open /accounts/otp/setup/, receive a new secret, bind a device of one's
own and become verified, although the user already had a confirmed device. Enrolment is now open only to a
user without a confirmed device, within minutes of a password sign-in in the same session; a device that
exists is replaced only from a session that verified it."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.audit.models import AuditRecord
from yingshang.org import roles as r
from yingshang.org.signin import PASSWORD_SIGN_IN_KEY

SETUP = "/accounts/otp/setup/"


def _password_sign_in(user) -> Client:
    client = Client()
    response = client.post(reverse("org:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _devices(user):
    return list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed", "key").order_by("pk"))


def _token_for(device) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.fixture
def victim(make_user):
    user = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=user, name="本人手机", confirmed=True)
    return user


def test_password_alone_cannot_enrol_over_an_existing_device(victim):
    before = _devices(victim)
    attacker = _password_sign_in(victim)
    page = attacker.get(SETUP)
    assert page.status_code == 302 and page.url == reverse("org:otp_verify")
    # A device of the attacker's own, as if a secret had been handed out, is refused as well.
    own = TOTPDevice(user=victim, name="x", confirmed=False)
    attempt = attacker.post(SETUP, {"token": _token_for(own)})
    assert attempt.status_code == 302 and attempt.url == reverse("org:otp_verify")
    assert _devices(victim) == before
    assert "otp_device_id" not in attacker.session
    assert attacker.get("/").url == reverse("org:otp_verify")
    assert not AuditRecord.objects.filter(action__in=["auth.otp_enrolled", "auth.otp_replaced"]).exists()


def test_first_enrolment_only_shortly_after_the_password_sign_in(make_user, settings):
    user = make_user(r.OFFICE)
    client = _password_sign_in(user)
    session = client.session
    session[PASSWORD_SIGN_IN_KEY] = time.time() - settings.OTP_ENROLMENT_WINDOW_SECONDS - 1
    session.save()
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url == reverse("org:login")
    assert "_auth_user_id" not in client.session
    assert _devices(user) == []
    assert AuditRecord.objects.filter(action="auth.otp_enrol_refused", actor_id=user.pk).count() == 1
    page = client.get(response.url).content.decode()
    assert "绑定动态口令须在登录后 10 分钟内完成，请重新登录后再绑定。" in page


def test_session_without_a_sign_in_stamp_cannot_enrol(make_user):
    """A session signed in before the stamp existed (or by any other path) does not count as fresh."""
    user = make_user(r.OFFICE)
    client = _password_sign_in(user)
    session = client.session
    del session[PASSWORD_SIGN_IN_KEY]
    session.save()
    assert client.get(SETUP).url == reverse("org:login")
    assert _devices(user) == []


def test_first_enrolment_right_after_sign_in_works(make_user):
    user = make_user(r.OFFICE)
    client = _password_sign_in(user)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"token": _token_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert _devices(user) == [(device.pk, True, device.key)]


def test_verified_session_replaces_the_device(victim, login):
    old = TOTPDevice.objects.get(user=victim)
    client = login(victim)  # verified with a device of its own
    verified_with = TOTPDevice.objects.exclude(pk=old.pk).get(user=victim)
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=victim, confirmed=False)
    assert client.post(SETUP, {"token": _token_for(new)}).status_code == 302
    assert _devices(victim) == [(new.pk, True, new.key)]
    assert not TOTPDevice.objects.filter(pk__in=[old.pk, verified_with.pk]).exists()
    assert AuditRecord.objects.filter(action="auth.otp_replaced", actor_id=victim.pk).count() == 1
