"""What supervision's pages share: a workflow step posted from an item's page, the link to the item an
order or instruction names, and the dates of list filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect

from yingshang.core.http import AuthedRequest
from yingshang.core.pages import run_action, seen_version

from .. import targets


def filter_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def step_view(
    request: AuthedRequest,
    obj: models.Model,
    *,
    form_class: type[forms.Form],
    call: Callable[[dict[str, Any], int | None], Any],
    detail: str,
) -> HttpResponse:
    """A workflow step posted from an item's page: the form's filled-in fields go to the service as the
    step's data, its refusal to the page message, and the user back to the item."""
    form = form_class(request.POST)
    form.is_valid()  # text fields only: always valid
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    run_action(request, lambda: call(data, seen_version(request)), "操作成功。", form)
    return redirect(detail, pk=obj.pk)


def target_url(request: AuthedRequest, obj: Any) -> str:
    """The page of the item an order or instruction names, when it exists and the user may see it."""
    if not (obj.target_type_id and obj.target_id):
        return ""
    found = targets.load(obj.target_type_id, obj.target_id)
    if found and found[0].can_view(request.user, found[1]):
        return found[0].url_for(found[1].pk)
    return ""
