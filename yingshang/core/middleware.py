from django.http import HttpRequest, HttpResponse

from .office_settings import begin_request_cache, end_request_cache


class RequestCacheMiddleware:
    """Office settings are read once per request (one query), however many rules consult them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = begin_request_cache()
        try:
            return self.get_response(request)
        finally:
            end_request_cache(token)
