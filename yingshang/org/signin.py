"""The sign-in policy, stated once: which step of signing in a request's session has reached, and where it
must go next. The page middleware, the API's session authentication and the factor enrolment page all ask
here, so no way in (page, htmx fragment, API, file download) can be more lenient than another."""

import time
from enum import Enum
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Stamped at each password sign-in: a first factor may be enrolled only shortly after proving the password.
PASSWORD_SIGN_IN_KEY = "password_signed_in_at"


class SignInState(Enum):
    ANONYMOUS = "anonymous"
    MUST_VERIFY_FACTOR = "must_verify_factor"
    MUST_CHANGE_PASSWORD = "must_change_password"
    MUST_ENROL_FACTOR = "must_enrol_factor"
    COMPLETE = "complete"


# The page that completes each unfinished step.
STEP_URL_NAMES = {
    SignInState.ANONYMOUS: "org:login",
    SignInState.MUST_VERIFY_FACTOR: "org:otp_verify",
    SignInState.MUST_CHANGE_PASSWORD: "org:password_change",
    SignInState.MUST_ENROL_FACTOR: "org:otp_setup",
}


def otp_required_for(user) -> bool:
    return bool(user.role_codes & set(settings.OTP_REQUIRED_ROLES))


def has_confirmed_device(user) -> bool:
    return user.totpdevice_set.filter(confirmed=True).exists()


def sign_in_state(user) -> SignInState:
    """The factor of an enrolled user comes first: a password alone (even a temporary one) opens nothing,
    not even the password change. `is_verified` is set by django_otp's middleware from the session."""
    if user is None or not user.is_authenticated:
        return SignInState.ANONYMOUS
    verified = bool(getattr(user, "is_verified", lambda: False)())
    if not verified and has_confirmed_device(user):
        return SignInState.MUST_VERIFY_FACTOR
    if user.must_change_password or user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
        return SignInState.MUST_CHANGE_PASSWORD
    if not verified and otp_required_for(user):
        return SignInState.MUST_ENROL_FACTOR
    return SignInState.COMPLETE


def step_url(state: SignInState) -> str | None:
    """Where a session in `state` must go; None when signing in is complete."""
    name = STEP_URL_NAMES.get(state)
    return reverse(name) if name else None


def sign_in_step_paths() -> set[str]:
    return {reverse(name) for name in STEP_URL_NAMES.values()}


def stamp_password_sign_in(request: HttpRequest) -> None:
    request.session[PASSWORD_SIGN_IN_KEY] = time.time()


def may_enrol_factor(request: HttpRequest, user) -> bool:
    """A device may be added by a session that has verified the current factor; a user without any confirmed
    device may enrol a first one within OTP_ENROLMENT_WINDOW_SECONDS of a password sign-in in this session."""
    if user.is_verified():
        return True
    if has_confirmed_device(user):
        return False
    signed_in_at = request.session.get(PASSWORD_SIGN_IN_KEY)
    return signed_in_at is not None and time.time() - signed_in_at <= settings.OTP_ENROLMENT_WINDOW_SECONDS


def safe_next_url(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` when it stays on this site (same host, http(s) as the request), else `fallback`: every
    redirect to a `next` goes through here."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def page_path_of_htmx_request(request: HttpRequest) -> str | None:
    """The path of the page an htmx request came from (HX-Current-URL), when it is on this site."""
    current = request.headers.get("HX-Current-URL", "")
    if not url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
        return None
    parts = urlsplit(current)
    return parts.path + (f"?{parts.query}" if parts.query else "")
