"""Pages of reminders: the list (with its Excel export), and the way from one reminder to its item."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from yingshang.core.http import AuthedRequest
from yingshang.core.pages import Export, list_page, require

from .. import permissions as perm
from .. import selectors, targets
from ..models import Reminder
from .common import filter_date


def _row(x: Reminder) -> list[Any]:
    kind = targets.target_for_content_type(x.content_type)
    return [
        x.created_at,
        x.get_kind_display(),
        kind.label if kind else x.content_type.model,
        x.object_id,
        x.department.name if x.department else "",
        x.deadline,
        x.sequence,
        "是" if x.escalated else "否",
        x.message,
    ]


REMINDER_EXPORT = Export(
    "催办记录",
    ["催办时间", "类型", "事项类型", "事项编号", "责任单位", "时限", "第几次", "已升级", "催办内容"],
    _row,
    "reminder.export",
)


@login_required
@require_GET
def reminder_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_supervision(request.user))
    g = request.GET
    date_from, date_to = filter_date(g.get("from")), filter_date(g.get("to"))
    qs = selectors.reminders(
        request.user,
        kind=g.get("kind", ""),
        date_from=date_from.isoformat() if date_from else "",
        date_to=date_to.isoformat() if date_to else "",
    )
    return list_page(
        request,
        items=qs,
        template="supervision/reminder_list.html",
        context={"kinds": Reminder.Kind.choices, "labels": {k: t.label for k, t in targets.REGISTRY.items()}},
        export=REMINDER_EXPORT,
    )


@login_required
@require_GET
def reminder_go(request: AuthedRequest, pk: int) -> HttpResponse:
    reminder = perm.access_reminder(request.user, pk)
    kind = targets.target_for_content_type(reminder.content_type)
    url = kind.url_for(reminder.object_id) if kind else ""
    if not url:
        raise Http404
    return redirect(url)
