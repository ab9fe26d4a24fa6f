"""Pages of a run's bulletin (通报): editing its text, and downloading it as .docx and .xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from yingshang.core.errors import ApplicationError
from yingshang.core.exports import XLSX_TYPE
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import error_text, file_response, require, run_action

from .. import bulletin as bulletin_mod
from .. import permissions as perm
from .. import selectors, services
from .. import workflow as wf
from ..forms import BulletinForm


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    require(perm.can_manage(request.user))
    bulletin = selectors.bulletin_of(run)
    if request.method == "POST":
        form = BulletinForm(request.POST)
        form.is_valid()
        if run_action(
            request,
            lambda: services.bulletin_save(
                actor=request.user, run=run, title=form.cleaned_data["title"], sections=form.sections()
            ),
            "通报文字已保存。",
            form,
        ):
            return redirect("assessment:bulletin", pk=run.pk)
        texts: dict[str, Any] = form.sections()
    else:
        defaults = bulletin_mod.default_sections(run) if run.state != wf.DRAFT else {}
        saved = {k: v for k, v in ((bulletin.sections if bulletin else {}) or {}).items() if v}
        texts = {**defaults, **saved}
    sections = [
        {"key": k, "title": bulletin_mod.SECTION_TITLES[k], "text": texts.get(k, "")}
        for k in bulletin_mod.SECTION_KEYS
    ]
    return render(
        request,
        "assessment/bulletin.html",
        {
            "run": run,
            "bulletin": bulletin,
            "title": (bulletin.title if bulletin else bulletin_mod.default_title(run)),
            "sections": sections,
            "is_draft": run.state == wf.DRAFT,
        },
    )


@login_required
@require_GET
def bulletin_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    require(perm.can_download_bulletin(request.user, run))
    try:
        bulletin, docx, xlsx = bulletin_mod.files_for(actor=request.user, run=run)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect("assessment:run", pk=run.pk)
    if fmt == "xlsx":
        return file_response(xlsx, f"{bulletin.title}（附表）.xlsx", XLSX_TYPE)
    return file_response(docx, f"{bulletin.title}.docx")
