"""Sign-in hardening: forced change, maximum age, lock-out and cool-off, idle timeout, second factor,
audit of every sign-in event, double posts."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.audit.models import AuditRecord
from yingshang.org import roles as r
from yingshang.org import services
from yingshang.org.middleware import BACKGROUND_HEADER, SESSION_KEY
from yingshang.org.models import User

HOME = "/"


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("org:login"), {"username": user.username, "password": password})


def _actions(**filters):
    return list(AuditRecord.objects.filter(**filters).order_by("id").values_list("action", flat=True))


# ---- forced change and maximum age ------------------------------------------------------------


def test_first_login_is_redirected_until_password_changed(client, db):
    user = services.user_create(
        actor=None, username="newcomer", password=PASSWORD, roles={r.INSPECTOR}, must_change_password=True
    )
    assert _sign_in(client, user).status_code == 302
    for path in [HOME, reverse("org:account_list"), "/settings/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == reverse("org:password_change")
    page = client.get(reverse("org:password_change"))
    assert page.status_code == 200 and page.context["forced"] is True
    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh-Start-2026", "new_password2": "Fresh-Start-2026"},
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    user.refresh_from_db()
    assert user.must_change_password is False and user.check_password("Fresh-Start-2026")
    assert _actions(actor_id=user.pk) == ["auth.login", "user.password_change"]


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_expired_password_forces_change(client, make_user):
    user = make_user(r.INSPECTOR)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=90))
    _sign_in(client, user)
    assert client.get(HOME).url == reverse("org:password_change")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get(HOME).status_code == 200


def test_password_change_posted_twice_is_harmless(client, make_user):
    user = make_user(r.INSPECTOR)
    _sign_in(client, user)
    data = {
        "old_password": PASSWORD,
        "new_password1": "Second-Pass-2026",
        "new_password2": "Second-Pass-2026",
    }
    assert client.post(reverse("org:password_change"), data).status_code == 302
    user.refresh_from_db()
    stored = user.password
    history = user.password_history.count()
    again = client.post(reverse("org:password_change"), data)
    assert again.status_code == 200
    assert "当前密码不正确" in again.content.decode()
    user.refresh_from_db()
    assert user.password == stored and user.password_history.count() == history
    assert AuditRecord.objects.filter(action="user.password_change", object_id=str(user.pk)).count() == 1
    assert client.get(HOME).status_code == 200  # still signed in


# ---- lock-out ---------------------------------------------------------------------------------


def test_lockout_after_five_failures_lasts_fifteen_minutes(client, make_user):
    user = make_user(r.LIAISON)
    for _ in range(4):
        assert _sign_in(client, user, "wrong").status_code == 200
    assert _sign_in(client, user, "wrong").status_code == 429  # the fifth failure locks
    assert _sign_in(client, user).status_code == 429  # even with the right password
    attempt = AccessAttempt.objects.get(username=user.username)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert _sign_in(client, user).status_code == 429
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _sign_in(client, user)
    assert response.status_code == 302 and response.url == reverse("core:home")
    failures = AuditRecord.objects.filter(action="auth.login_failed", actor_username=user.username).count()
    assert failures >= 5
    assert AuditRecord.objects.filter(action="auth.locked_out", actor_username=user.username).exists()
    assert AuditRecord.objects.filter(action="auth.login", actor_id=user.pk).count() == 1


def test_lockout_is_per_account_not_per_address(client, make_user):
    victim, colleague = make_user(r.LIAISON), make_user(r.LIAISON)
    for _ in range(5):
        _sign_in(client, victim, "wrong")
    assert _sign_in(client, colleague).status_code == 302


def test_locked_page_in_chinese(client, make_user):
    user = make_user(r.LIAISON)
    for _ in range(5):
        _sign_in(client, user, "wrong")
    body = _sign_in(client, user).content.decode()
    assert "账号已锁定，请 15 分钟后再试" in body


def test_disabled_account_cannot_sign_in(client, make_user):
    user = make_user(r.LIAISON)
    services.user_set_active(actor=None, user=user, active=False)
    response = _sign_in(client, user)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# ---- idle timeout -----------------------------------------------------------------------------


def _age_activity(client, seconds):
    session = client.session
    session[SESSION_KEY] = time.time() - seconds
    session.save()


def test_idle_for_thirty_minutes_signs_out(client, make_user):
    user = make_user(r.LIAISON)
    _sign_in(client, user)
    _age_activity(client, 29 * 60)
    assert client.get(HOME).status_code == 200
    _age_activity(client, 31 * 60)
    response = client.get(reverse("org:account_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("org:login"))
    assert "_auth_user_id" not in client.session
    assert _actions(actor_id=user.pk) == ["auth.login", "auth.session_timeout", "auth.logout"]
    page = client.get(response.url).content.decode()
    assert "您已超过 30 分钟未操作，请重新登录。" in page
    assert "next=%2Faccounts%2Fusers%2F" in response.url


def test_activity_is_stamped_at_most_once_a_minute(client, make_user):
    """The session row is written when the stamp is a minute old, not on every page."""
    _sign_in(client, make_user(r.LIAISON))
    _age_activity(client, 30)
    stamp = client.session[SESSION_KEY]
    assert client.get(HOME).status_code == 200
    assert client.session[SESSION_KEY] == stamp
    _age_activity(client, 61)
    assert client.get(HOME).status_code == 200
    assert time.time() - client.session[SESSION_KEY] < 5


def test_background_polling_does_not_keep_the_session_alive(client, make_user):
    user = make_user(r.LIAISON)
    _sign_in(client, user)
    _age_activity(client, 20 * 60)
    stamp = client.session[SESSION_KEY]
    assert client.get(HOME, headers={BACKGROUND_HEADER: "1"}).status_code == 200
    assert client.session[SESSION_KEY] == stamp
    # 20 + 11 minutes without a real request: polling did not count as activity.
    _age_activity(client, 31 * 60)
    response = client.get(HOME, headers={BACKGROUND_HEADER: "1"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_htmx_request_after_timeout_gets_hx_redirect(client, make_user):
    _sign_in(client, make_user(r.LIAISON))
    _age_activity(client, 31 * 60)
    response = client.get(
        reverse("org:account_list"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/notify/?unread=1"},
    )
    # The whole page goes to the login page, which says why and returns to the page the user was on.
    assert response.status_code == 200 and "Location" not in response and response.content == b""
    assert response["HX-Redirect"] == reverse("org:login") + "?next=%2Fnotify%2F%3Funread%3D1&timeout=1"


# ---- second factor ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.SYSADMIN, r.SECADMIN, r.AUDITOR, r.OFFICE])
def test_second_factor_required_for_admin_duties_and_office(client, make_user, role):
    user = make_user(role)
    assert _sign_in(client, user).status_code == 302
    response = client.get(HOME)
    assert response.status_code == 302 and response.url == reverse("org:otp_setup")


@pytest.mark.parametrize("role", [r.LIAISON, r.LEADER, r.ENTERPRISE, r.INSPECTOR])
def test_second_factor_optional_for_others(client, make_user, role):
    _sign_in(client, make_user(role))
    # The leader's home is the cockpit; every other home page is served at once.
    assert client.get(HOME, follow=True).status_code == 200


@override_settings(OTP_REQUIRED_ROLES=[])
def test_setting_turns_the_requirement_off(client, make_user):
    _sign_in(client, make_user(r.SYSADMIN))
    assert client.get(HOME).status_code == 200


def test_enrol_then_verify_at_next_sign_in(client, make_user):
    user = make_user(r.SECADMIN)
    _sign_in(client, user)
    client.get(reverse("org:otp_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("org:otp_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    client.post(reverse("org:logout"))
    other = Client()
    _sign_in(other, user)
    assert other.get(HOME).url == reverse("org:otp_verify")
    assert other.post(reverse("org:otp_verify"), {"token": "000000"}).status_code == 200
    assert other.get(HOME).url == reverse("org:otp_verify")
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this fast test
    device.save(update_fields=["last_t"])
    device.throttle_reset()
    response = other.post(reverse("org:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert other.get(HOME).status_code == 200
    assert _actions(actor_id=user.pk) == [
        "auth.login",
        "auth.otp_enrolled",
        "auth.logout",
        "auth.login",
        "auth.otp_failed",
        "auth.otp_verified",
    ]


def test_optional_device_once_enrolled_is_asked_for(client, make_user):
    user = make_user(r.LIAISON)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    _sign_in(client, user)
    assert client.get(HOME).url == reverse("org:otp_verify")


# ---- audit of sign-in and sign-out ------------------------------------------------------------


def test_sign_in_out_and_failure_audited_with_context(client, make_user):
    user = make_user(r.LIAISON)
    _sign_in(client, user, "wrong")
    _sign_in(client, user)
    client.post(reverse("org:logout"))
    failed = AuditRecord.objects.get(action="auth.login_failed")
    assert failed.actor_id is None and failed.actor_username == user.username and failed.ip == "127.0.0.1"
    assert _actions(actor_id=user.pk) == ["auth.login", "auth.logout"]
    assert client.get(HOME).status_code == 302


def test_new_account_changes_its_password_then_enrols_its_factor(client, db):
    """A new office account's first sign-in: the temporary password is replaced first, then the factor is
    enrolled (still within the window after the password sign-in), then the home page opens."""
    user = services.user_create(
        actor=None, username="new_office", password=PASSWORD, roles={r.OFFICE}, must_change_password=True
    )
    _sign_in(client, user)
    assert client.get(HOME).url == reverse("org:password_change")
    assert client.get(reverse("org:otp_setup")).url == reverse("org:password_change")
    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh-Start-2026", "new_password2": "Fresh-Start-2026"},
    )
    assert response.status_code == 302
    assert client.get(HOME).url == reverse("org:otp_setup")
    assert client.get(reverse("org:otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("org:otp_setup"), {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert _actions(actor_id=user.pk) == ["auth.login", "user.password_change", "auth.otp_enrolled"]
