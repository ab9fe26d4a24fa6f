"""Attack: a session that has only the password (factor not verified), an account that must change its
password and an expired password all read and wrote through /api/ with the session cookie. The API now
admits a session only when the pages would; a bearer token does not depend on any session."""

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.appeals.models import Appeal
from yingshang.appeals.tests.conftest import intake
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.org.middleware import SESSION_KEY
from yingshang.org.models import User


def _password_sign_in(user) -> Client:
    client = Client()
    response = client.post(reverse("org:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


def _post_appeal(client, key="attack-1", **headers):
    return client.post(
        "/api/appeals/",
        data=json.dumps(intake()),
        content_type="application/json",
        headers={"Idempotency-Key": key, **headers},
    )


@pytest.fixture
def office_with_device(make_user):
    user = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return user


def _assert_refused_and_nothing_written(client):
    read = client.get("/api/ledger/tasks")
    assert read.status_code == 401 and read.json()["code"] == "sign_in_incomplete"
    write = _post_appeal(client)
    assert write.status_code == 401 and write.json()["code"] == "sign_in_incomplete"
    assert Appeal.objects.count() == 0


def test_password_only_session_cannot_use_the_api(office_with_device):
    client = _password_sign_in(office_with_device)
    assert client.get("/").url == reverse("org:otp_verify")  # the pages already refuse it
    _assert_refused_and_nothing_written(client)


@override_settings(OTP_REQUIRED_ROLES=[])
def test_session_that_must_change_its_password_cannot_use_the_api(make_user):
    user = make_user(r.OFFICE)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    _assert_refused_and_nothing_written(_password_sign_in(user))


@override_settings(OTP_REQUIRED_ROLES=[], PASSWORD_MAX_AGE_DAYS=90)
def test_session_with_an_expired_password_cannot_use_the_api(make_user):
    user = make_user(r.OFFICE)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=90))
    _assert_refused_and_nothing_written(_password_sign_in(user))


def test_session_of_required_factor_not_yet_enrolled_cannot_use_the_api(make_user):
    _assert_refused_and_nothing_written(_password_sign_in(make_user(r.OFFICE)))


def test_completed_sign_in_reaches_the_api(office_with_device, login):
    client = login(office_with_device)
    assert client.get("/api/ledger/tasks").status_code == 200
    assert _post_appeal(client).status_code == 201
    assert Appeal.objects.count() == 1


def test_bearer_token_works_whatever_the_session_state(office_with_device):
    _, token = org_services.api_token_create(actor=None, user=office_with_device, name="对接")
    client = _password_sign_in(office_with_device)  # the same browser also holds a password-only session
    response = _post_appeal(client, Authorization=f"Bearer {token}")
    assert response.status_code == 201
    assert Appeal.objects.count() == 1


def test_api_calls_do_not_renew_the_idle_timer(office_with_device, login):
    client = login(office_with_device)
    client.get("/")
    idle_since = client.session[SESSION_KEY] - 600
    session = client.session
    session[SESSION_KEY] = idle_since
    session.save()
    assert client.get("/api/ledger/tasks").status_code == 200
    assert client.session[SESSION_KEY] == idle_since


def test_idle_session_is_ended_by_an_api_call_too(office_with_device, login):
    client = login(office_with_device)
    client.get("/")
    session = client.session
    session[SESSION_KEY] -= 31 * 60
    session.save()
    assert client.get("/api/ledger/tasks").status_code == 401
    assert "_auth_user_id" not in client.session
