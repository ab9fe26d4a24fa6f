import uuid

from django.http import HttpRequest, HttpResponse

from yingshang.core.http import client_address

from .context import RequestContext, current


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
