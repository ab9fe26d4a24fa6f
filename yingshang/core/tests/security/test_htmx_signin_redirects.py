"""Attack surface of issue 13 items 1–2: an htmx request answered by a 302 to a sign-in step had that step's
whole page swapped into the fragment (the bell badge nested 174 copies of the password page in 35 s). Every
such answer to an htmx request is now an HX-Redirect with no body, and a signed-out poll stops (HTTP 286)."""

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.org import roles as r
from yingshang.org.models import User

BADGE_POLL = {"HX-Request": "true", "X-Background-Poll": "1", "HX-Current-URL": "http://testserver/ledger/"}


def _password_sign_in(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("org:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def _assert_navigates_to(response, url):
    assert response.status_code == 200 and "Location" not in response  # htmx itself follows no 3xx
    assert response["HX-Redirect"] == url
    assert response.content == b""  # nothing for htmx to swap into the header


def test_badge_poll_of_a_user_who_must_change_the_password(make_user):
    user = make_user(r.LEADER)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = _password_sign_in(user)
    _assert_navigates_to(
        client.get(reverse("notify:badge"), headers=BADGE_POLL), reverse("org:password_change")
    )


def test_badge_poll_of_a_password_only_session(make_user):
    user = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    client = _password_sign_in(user)
    _assert_navigates_to(client.get(reverse("notify:badge"), headers=BADGE_POLL), reverse("org:otp_verify"))


def test_badge_poll_of_a_factor_to_enrol(make_user):
    client = _password_sign_in(make_user(r.SECADMIN))
    _assert_navigates_to(client.get(reverse("notify:badge"), headers=BADGE_POLL), reverse("org:otp_setup"))


def test_htmx_fragment_after_sign_out_navigates_to_login_with_the_page_as_next(make_user):
    client = _password_sign_in(make_user(r.LIAISON))
    client.post(reverse("org:logout"))
    response = client.get(
        reverse("notify:inbox"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/ledger/?page=2"},
    )
    _assert_navigates_to(response, reverse("org:login") + "?next=%2Fledger%2F%3Fpage%3D2")


def test_htmx_next_from_another_site_is_dropped(client):
    response = client.get(
        reverse("notify:inbox"), headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )
    _assert_navigates_to(response, reverse("org:login"))


def test_badge_poll_after_the_session_ended_sends_the_whole_page_to_sign_in(client):
    """The poll of a page whose session has ended: the page navigates to the sign-in page (which does not
    poll), nothing is swapped into the header."""
    response = client.get(
        reverse("notify:badge"), headers={**BADGE_POLL, "HX-Current-URL": "http://testserver/ledger/"}
    )
    assert response.status_code == 200 and "Location" not in response
    assert response["HX-Redirect"] == reverse("org:login") + "?next=%2Fledger%2F"
    assert response.content == b""


def test_plain_requests_still_get_an_ordinary_redirect(make_user):
    user = make_user(r.LEADER)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    response = _password_sign_in(user).get(reverse("notify:badge"))
    assert response.status_code == 302 and response.url == reverse("org:password_change")


def test_sign_in_step_pages_do_not_poll(make_user):
    """A step page that polled would be sent to itself by the sign-in policy: a reload every poll."""
    must_change = make_user(r.LEADER)
    User.objects.filter(pk=must_change.pk).update(must_change_password=True)
    with_device = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=with_device, name="手机", confirmed=True)
    for user, step in (
        (must_change, "org:password_change"),
        (with_device, "org:otp_verify"),
        (make_user(r.SECADMIN), "org:otp_setup"),
    ):
        page = _password_sign_in(user).get(reverse(step))
        assert page.status_code == 200
        assert reverse("notify:badge") not in page.content.decode(), step
