"""Session and sign-in policy: idle timeout, the steps of signing in (see signin.py), and how htmx requests
are sent to those steps."""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from yingshang.audit.events import record as audit_record

from .signin import SignInState, page_path_of_htmx_request, sign_in_state, sign_in_step_paths, step_url

# Requests carrying this header (background polling, e.g. the inbox badge) do not count as activity.
BACKGROUND_HEADER = "X-Background-Poll"
SESSION_KEY = "last_activity"
STAMP_EVERY_SECONDS = 60
API_PREFIX = "/api/"
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Served in every sign-in state: assets, the language switch and signing out.
ALWAYS_SERVED_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/")


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
                if request.path.startswith(API_PREFIX):
                    return self.get_response(request)  # now anonymous: the API answers 401 itself
                # MessageMiddleware runs after this one, so the login page is told by a query flag.
                login_url = reverse(settings.LOGIN_URL)
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path(), 'timeout': 1})}")
            # Stamped at most once a minute: the session row is then written once a minute, not on every
            # page, at the price of a timeout up to a minute early. Background polls and API calls are
            # not a person at work, so they never keep a session alive.
            if (
                not request.headers.get(BACKGROUND_HEADER)
                and not request.path.startswith(API_PREFIX)
                and (last is None or now - last >= STAMP_EVERY_SECONDS)
            ):
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class SignInPolicyMiddleware:
    """A session that has not completed signing in (signin.sign_in_state) reaches only the page of its next
    step. The API applies the same state in its session authentication (core.api_auth) and answers 401
    instead of redirecting; anonymous visitors are left to each view (public pages, login_required)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith((API_PREFIX, *ALWAYS_SERVED_PREFIXES)):
            return self.get_response(request)
        state = sign_in_state(getattr(request, "user", None))
        if state in (SignInState.ANONYMOUS, SignInState.COMPLETE):
            return self.get_response(request)
        target = step_url(state)
        assert target is not None
        if request.path == target:
            return self.get_response(request)
        return redirect(target)


class HtmxSignInRedirectMiddleware:
    """An htmx request answered by a redirect to a sign-in step (login_required, the sign-in policy, the idle
    timeout) would have the step's whole page swapped into a fragment; the browser is told to navigate instead
    (HX-Redirect), with `next` pointing at the page the user was on rather than at the fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.headers.get("HX-Request") or response.status_code not in REDIRECT_STATUSES:
            return response
        location = urlsplit(response["Location"])
        if location.path not in sign_in_step_paths():
            return response
        query = dict(parse_qsl(location.query))
        if "next" in query:
            page = page_path_of_htmx_request(request)
            if page is None:
                del query["next"]
            else:
                query["next"] = page
        return HttpResponseClientRedirect(location.path + (f"?{urlencode(query)}" if query else ""))


class ExplicitLanguageMiddleware:
    """Chinese unless the user picked another language with the header switch: the browser's
    Accept-Language is ignored, so an English browser does not get a half-English page by accident.
    Goes just before django.middleware.locale.LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
