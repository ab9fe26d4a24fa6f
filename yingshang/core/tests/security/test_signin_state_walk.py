"""Every URL of the URL conf (pages, htmx fragments, file downloads, API), GET and an empty POST, walked in
each sign-in state of one office account (the role that sees the most). A session that has not finished
signing in reaches its next step's page and nothing else; the API refuses it as it refuses an anonymous
caller; a locked account is no better off than an anonymous visitor; once signing in is complete the account
gets exactly its row of the permission matrix. Nothing changes on the way."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.appeals.models import Appeal
from yingshang.core.tests.proof.matrix import TABLE, expected
from yingshang.core.tests.proof.walk import outcome, url_for
from yingshang.core.tests.proof.world import PASSWORD, build_world
from yingshang.ledger.models import Task
from yingshang.org.models import User

# What a caller that has not completed signing in may open: the sign-in page, the public appeal pages, the
# bell (it only tells a signed-out page to stop polling) and the API's description.
OPEN_WITHOUT_SIGN_IN = {
    "org:login",
    "appeals:submit",
    "appeals:track",
    "api:openapi-json",
    "api:openapi-view",
}
# Served in every state (signing out answers a GET with 405; the language switch returns to the page).
ALWAYS_SERVED = {"org:logout", "set_language"}


def _password_sign_in(user) -> tuple[Client, int]:
    client = Client()
    response = client.post(reverse("org:login"), {"username": user.username, "password": PASSWORD})
    return client, response.status_code


def _verify_factor(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def _walk(client, world) -> dict[tuple[str, str], object]:
    answers = {}
    for name in sorted(TABLE):
        url = url_for(name, world)
        for method in ("GET", "POST"):
            if not expected(name, method):
                continue  # signing out and switching language are not walked
            if method == "GET":
                answers[(name, method)] = client.get(url)
            elif name.startswith("api:"):
                answers[(name, method)] = client.post(url, data="{}", content_type="application/json")
            else:
                answers[(name, method)] = client.post(url, {})
    return answers


def _fingerprint(world):
    appeal = Appeal.objects.get(pk=world.objects["appeal"].pk)
    task = Task.objects.get(pk=world.objects["task"].pk)
    return (Appeal.objects.count(), appeal.state, appeal.version, task.state, task.version)


@pytest.fixture
def world(db):
    w = build_world()
    TOTPDevice.objects.create(user=w.users["office"], name="手机", confirmed=True)
    return w


def _assert_only_open_pages(answers):
    reached = sorted(
        f"{m} {n}" for (n, m), r in answers.items() if outcome(r) == "ok" and n not in OPEN_WITHOUT_SIGN_IN
    )
    assert reached == []


def _assert_api_as_for_anonymous(answers):
    wrong = [
        f"{m} {n}: {outcome(r)}"
        for (n, m), r in answers.items()
        if n.startswith("api:") and outcome(r) != expected(n, m)["anonymous"]
    ]
    assert wrong == []


def _assert_held_at_step(answers, step_name):
    step = reverse(step_name)
    wrong = []
    for (name, method), response in answers.items():
        if name.startswith("api:") or name in ALWAYS_SERVED:
            continue
        if name == step_name:
            if response.status_code != 200:
                wrong.append(f"{method} {name}: {response.status_code}")
        elif response.status_code != 302 or response["Location"] != step:
            wrong.append(f"{method} {name}: {response.status_code} {response.get('Location')}")
    assert wrong == []


@pytest.mark.parametrize(
    "state, step",
    [
        ("password_only", "org:otp_verify"),
        ("factor_to_enrol", "org:otp_setup"),
        ("must_change_password", "org:password_change"),
        ("expired_password", "org:password_change"),
    ],
)
def test_unfinished_sign_in_reaches_only_its_next_step(world, settings, state, step):
    office = world.users["office"]
    if state == "factor_to_enrol":
        TOTPDevice.objects.filter(user=office).delete()
    client, status = _password_sign_in(office)
    assert status == 302
    if state == "must_change_password":
        _verify_factor(client, office)
        User.objects.filter(pk=office.pk).update(must_change_password=True)
    if state == "expired_password":
        _verify_factor(client, office)
        User.objects.filter(pk=office.pk).update(
            password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
        )
    before = _fingerprint(world)
    answers = _walk(client, world)
    _assert_held_at_step(answers, step)
    _assert_api_as_for_anonymous(answers)
    _assert_only_open_pages({k: v for k, v in answers.items() if k[0] != step})
    assert _fingerprint(world) == before


def test_anonymous_and_locked_reach_only_public_pages(world):
    office = world.users["office"]
    failures = [
        Client().post(reverse("org:login"), {"username": office.username, "password": "wrong"})
        for _ in range(5)
    ]
    assert [r.status_code for r in failures] == [200, 200, 200, 200, 429]
    locked, status = _password_sign_in(office)  # the right password, after five failures
    assert status == 429 and "_auth_user_id" not in locked.session
    before = _fingerprint(world)
    for client in (Client(), locked):
        answers = _walk(client, world)
        _assert_only_open_pages(answers)
        _assert_api_as_for_anonymous(answers)
        pages = {k: outcome(v) for k, v in answers.items() if not k[0].startswith("api:")}
        assert pages == {(n, m): expected(n, m)["anonymous"] for (n, m) in pages}
    assert _fingerprint(world) == before


def test_completed_sign_in_gets_its_permission_row(world):
    office = world.users["office"]
    client, status = _password_sign_in(office)
    assert status == 302
    _verify_factor(client, office)
    before = _fingerprint(world)
    answers = _walk(client, world)
    wrong = [
        f"{m} {n}: {outcome(r)}" for (n, m), r in answers.items() if outcome(r) != expected(n, m)["office"]
    ]
    assert wrong == []
    assert _fingerprint(world) == before
