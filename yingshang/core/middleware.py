import re
from datetime import date

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
# Parameters that mean the same everywhere in the project, with the values they may take. A value outside
# is refused here, so no list, export or API can turn it into a date or offset that overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2200
INTEGER_RANGES: dict[str, tuple[int, int, str]] = {
    "year": (FIRST_YEAR, LAST_YEAR, f"应为 {FIRST_YEAR}—{LAST_YEAR} 之间的年份。"),
    "quarter": (1, 4, "应为 1—4 的季度。"),
    "month": (1, 12, "应为 1—12 的月份。"),
    "department": (1, INT64_MAX, "应为单位编号。"),
    "document": (1, INT64_MAX, "应为文件编号。"),
}
MAX_PAGE = 1_000_000  # page × page size becomes a database offset
DATE_PARAMETER = re.compile(r"start|end|date|[a-z]+_(?:from|to)")
ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def _bad_date(value: str) -> str | None:
    match = ISO_DATE.fullmatch(value)
    try:
        day = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"应为 {FIRST_YEAR}—{LAST_YEAR} 年间的实际日期，格式 YYYY-MM-DD。"
    return None


def _bad_parameter(name: str, value: str) -> str | None:
    if "\x00" in value:
        return "含有不可见的空字符。"
    text = value.strip()
    is_integer = bool(ASCII_INTEGER.fullmatch(text))
    if is_integer and abs(int(text)) > INT64_MAX:
        return "数值超出范围。"
    if not text:
        return None
    if name in INTEGER_RANGES:
        low, high, expected = INTEGER_RANGES[name]
        return None if is_integer and low <= int(text) <= high else expected
    if name == "page" and is_integer and int(text) > MAX_PAGE:
        return "页码超出范围。"
    if DATE_PARAMETER.fullmatch(name):
        return _bad_date(text)
    return None


class RequestGuardMiddleware:
    """Query parameters no database can hold (NUL characters, integers beyond 64 bits) and out-of-range
    years, quarters, pages, record numbers and dates are refused here with a clear 400, so no list filter,
    export or API parameter can turn them into a server error."""

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
            message = "请求参数无效：" + "；".join(f"“{k}”{v[0]}" for k, v in fields.items())
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_parameter", "message": message, "fields": fields}, status=400
                )
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
