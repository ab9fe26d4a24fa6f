import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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


INT64_MAX = 2**63 - 1
ASCII_INTEGER = re.compile(r"-?[0-9]+")  # not str.isdigit(): "¹" is a digit to Python but no integer


def _bad_parameter(name: str, value: str) -> str | None:
    if "\x00" in value:
        return "含有不可见的空字符。"
    digits = value.strip()
    if ASCII_INTEGER.fullmatch(digits) and abs(int(digits)) > INT64_MAX:
        return "数值超出范围。"
    return None


class RequestGuardMiddleware:
    """Query parameters no database can hold (NUL characters, integers beyond 64 bits) are refused here
    with a clear 400, so no list filter or API parameter can turn them into a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = {}
        for name, values in request.GET.lists():
            for value in values:
                problem = _bad_parameter(name, value)
                if problem:
                    fields[name.replace("\x00", "")] = [problem]
        if fields:
            message = "请求参数无效：" + "；".join(f"{k}{v[0]}" for k, v in fields.items())
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_parameter", "message": message, "fields": fields}, status=400
                )
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
