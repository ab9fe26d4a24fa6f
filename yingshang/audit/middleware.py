import uuid

from django.http import HttpRequest, HttpResponse

from yingshang.core.http import client_address

from .context import RequestContext, current
from .services import denied_access_count


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = current.set(
            RequestContext(
                ip=client_address(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
                request_id=request_id[:64],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response


DENIED_STATUSES = frozenset({403, 404})
UNRESOLVED_PATTERN = "(无此地址)"


def url_pattern(request: HttpRequest) -> str:
    """The URL pattern's name (or route) rather than the path, so probing many ids counts as one thing."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNRESOLVED_PATTERN
    return match.view_name or match.route or UNRESOLVED_PATTERN


class DeniedAccessMiddleware:
    """Counts every refusal (403, and 404 for objects out of scope or unknown addresses) per account or
    address, URL pattern and minute; `services.denied_access_flush` turns each minute into one audit record.
    Django turns Http404 and PermissionDenied raised anywhere inside into responses before they reach this
    middleware, so the status code is the one place every refusal passes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES:
            # An API token sets request.user inside the view; a session sets it on the way in.
            user = getattr(request, "user", None)
            account = user if user is not None and user.is_authenticated else None
            denied_access_count(
                user_id=account.pk if account else None,
                username=account.get_username() if account else "",
                ip=current.get().ip or client_address(request),
                pattern=url_pattern(request),
                status=response.status_code,
            )
        return response
