"""What supervision's pages share: the view of a workflow step posted from an item's page, the link to the item an
order or instruction names, and the dates of list filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from yingshang.core.http import AuthedRequest
from yingshang.core.pages import run_form, seen_version

from .. import targets


def filter_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def workflow_step(
    access: Callable[[Any, int], Any],
    form_class: type[forms.Form],
    transition: Callable[..., Any],
    item_name: str,
    detail: str,
    files: tuple[str, str] | None = None,
) -> Callable[..., HttpResponse]:
    """The view of a workflow step posted from an item's page: the item through `access`, the form's
    filled-in fields as the step's data (and the uploads of the `files` = (argument, input) pair), the
    refusal into the page message, and the user back to the item."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
        obj = access(request.user, pk)
        uploads = {files[0]: request.FILES.getlist(files[1])} if files else {}
        run_form(
            request,
            form_class(request.POST),
            lambda d: transition(
                actor=request.user,
                action=action,
                data={k: v for k, v in d.items() if v not in (None, "")},
                seen_version=seen_version(request),
                **{item_name: obj},
                **uploads,
            ),
            "操作成功。",
        )
        return redirect(detail, pk=obj.pk)

    return view


def target_url(request: AuthedRequest, obj: Any) -> str:
    """The page of the item an order or instruction names, when it exists and the user may see it."""
    if not (obj.target_type_id and obj.target_id):
        return ""
    found = targets.load(obj.target_type_id, obj.target_id)
    if found and found[0].can_view(request.user, found[1]):
        return found[0].url_for(found[1].pk)
    return ""
