"""Attack: a page on another site made the browser POST text/plain to /api/ with the office's session cookie
and a foreign Origin, and an appeal was created. Session writes to the API now need the CSRF token."""

import json

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.appeals.models import Appeal
from yingshang.appeals.tests.conftest import intake
from yingshang.org import roles as r


def _signed_in_browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    session = browser.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return browser


def test_cross_site_text_plain_post_creates_no_appeal(make_user):
    browser = _signed_in_browser(make_user(r.OFFICE))
    response = browser.post(
        "/api/appeals/",
        data=json.dumps(intake()),
        content_type="text/plain",
        headers={"Origin": "https://evil.example", "Idempotency-Key": "csrf-1"},
    )
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert Appeal.objects.count() == 0


def test_same_site_post_with_the_token_is_accepted(make_user):
    browser = _signed_in_browser(make_user(r.OFFICE))
    assert browser.get("/").status_code == 200  # a page of the site hands out the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/appeals/",
        data=json.dumps(intake()),
        content_type="application/json",
        headers={"X-CSRFToken": token, "Idempotency-Key": "csrf-2"},
    )
    assert response.status_code == 201
    assert Appeal.objects.count() == 1
