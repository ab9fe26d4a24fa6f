"""The one way pages do the usual things, so a change to how errors, lists or files are shown is made here:
refuse a role (403; objects outside the user's scope are 404 in each app's `access_*` helper), read the
version a form was rendered with, run an action and tell the user, page a list (with its Excel export and
the htmx fragment), and send a file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .errors import ApplicationError
from .exports import file_response, xlsx_response

__all__ = [
    "Export",
    "file_response",
    "list_page",
    "paginate",
    "require",
    "run_action",
    "run_form",
    "seen_version",
]

PAGE_SIZE = 20


def require(allowed: bool) -> None:
    """A role refusal: the user may see that the page exists but not use it."""
    if not allowed:
        raise PermissionDenied


def seen_version(request: HttpRequest) -> int | None:
    """The version of the item the form was rendered with, for the concurrent-change check."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def error_text(exc: ApplicationError) -> str:
    """The message with the field details it does not already say, for a page message."""
    details = "；".join(m for msgs in exc.fields.values() for m in msgs if m not in exc.message)
    return f"{exc.message}（{details}）" if details else exc.message


def run_action(
    request: HttpRequest,
    call: Callable[[], Any],
    ok: str | Callable[[], str],
    form: forms.Form | None = None,
) -> bool:
    """Run a service call and tell the user how it went. A refusal's field errors go onto `form` when one
    is given (so they show beside the field), and always into the page message. True when it succeeded.
    `ok` may be a function, for a message that names what the call made."""
    try:
        call()
    except ApplicationError as exc:
        if form is not None:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        messages.error(request, error_text(exc))
        return False
    messages.success(request, ok() if callable(ok) else ok)
    return True


def run_form(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    ok: str | Callable[[], str],
) -> bool:
    """A posted form, then a service call with its cleaned data: the form's own errors, or the service's
    refusal, go onto the form and into the page message. True when the call succeeded."""
    if not form.is_valid():
        form_errors_message(request, form)
        return False
    return run_action(request, lambda: call(form.cleaned_data), ok, form)


def form_errors_message(request: HttpRequest, form: forms.Form) -> None:
    """An invalid form's errors, all at once, as one page message."""
    texts = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, "；".join(texts) or "提交的内容有误，请检查后重试。")


def query_string(request: HttpRequest, drop: Iterable[str] = ("page", "export")) -> str:
    """The list's filters, for pager links and the export button."""
    dropped = set(drop)
    return urlencode([(k, v) for k, v in request.GET.items() if k not in dropped and v])


def paginate(request: HttpRequest, items: QuerySet | Sequence[Any], size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def list_page(
    request: HttpRequest,
    *,
    items: QuerySet | Sequence[Any],
    template: str,
    context: dict[str, Any] | None = None,
    export: Export | None = None,
    size: int = PAGE_SIZE,
) -> HttpResponse:
    """A filtered list: `?export=xlsx` gives all of it as Excel, an htmx request the `#results` fragment,
    anything else the page."""
    if export is not None and request.GET.get("export") == "xlsx":
        return export.response(request, items)
    ctx = {
        "page": paginate(request, items, size),
        "query": query_string(request),
        "filters": request.GET,
        **(context or {}),
    }
    if getattr(request, "htmx", False):
        return render(request, f"{template}#results", ctx)
    return render(request, template, ctx)


class Export:
    """What a list exports: the sheet's title, its headers, one row per item and the audit action."""

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        row: Callable[[Any], Sequence[Any]],
        audit_action: str,
        widths: Sequence[int] = (),
    ):
        self.title, self.headers, self.row, self.audit_action, self.widths = (
            title,
            headers,
            row,
            audit_action,
            widths,
        )

    def response(self, request: HttpRequest, items: QuerySet | Sequence[Any]) -> HttpResponse:
        rows = items.iterator(chunk_size=1000) if isinstance(items, QuerySet) else items
        return xlsx_response(
            filename=f"{self.title}{timezone.localdate():%Y%m%d}.xlsx",
            title=self.title,
            headers=self.headers,
            rows=(self.row(item) for item in rows),
            user=request.user,
            audit_action=self.audit_action,
            filters=dict(request.GET.items()),
            widths=self.widths,
        )
