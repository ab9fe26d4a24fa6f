"""Session and sign-in policy: idle timeout, forced password change and expiry, required second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from yingshang.audit.events import record as audit_record

# Requests carrying this header (background polling, e.g. the inbox badge) do not count as activity.
BACKGROUND_HEADER = "X-Background-Poll"
SESSION_KEY = "last_activity"
STAMP_EVERY_SECONDS = 60
EXEMPT_PREFIXES = ("/static/", "/api/", "/accounts/logout/", "/i18n/", "/appeal/")


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                audit_record(actor=user, action="auth.session_timeout", obj=user)
                logout(request)
                # MessageMiddleware runs after this one, so the login page is told by a query flag.
                login_url = reverse(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path(), 'timeout': 1})}")
            # Stamped at most once a minute: the session row is then written once a minute, not on every
            # page, at the price of a timeout up to a minute early.
            if not request.headers.get(BACKGROUND_HEADER) and (
                last is None or now - last >= STAMP_EVERY_SECONDS
            ):
                request.session[SESSION_KEY] = now
        return self.get_response(request)


def otp_required_for(user) -> bool:
    return bool(user.role_codes & set(settings.OTP_REQUIRED_ROLES))


class SignInPolicyMiddleware:
    """After sign-in: a new or expired password must be changed, and a required second factor verified,
    before anything else is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        password_url = reverse("org:password_change")
        otp_urls = (reverse("org:otp_setup"), reverse("org:otp_verify"))
        if request.path not in (password_url, *otp_urls) and (
            user.must_change_password or user.password_expired(settings.PASSWORD_MAX_AGE_DAYS)
        ):
            return redirect(password_url)
        has_device = user.totpdevice_set.filter(confirmed=True).exists()
        if (
            (otp_required_for(user) or has_device)
            and not user.is_verified()
            and request.path not in (password_url, *otp_urls)
        ):
            return redirect(otp_urls[1] if has_device else otp_urls[0])
        return self.get_response(request)


class ExplicitLanguageMiddleware:
    """Chinese unless the user picked another language with the header switch: the browser's
    Accept-Language is ignored, so an English browser does not get a half-English page by accident.
    Goes just before django.middleware.locale.LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
