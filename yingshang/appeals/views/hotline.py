"""The 12345 hotline import: upload, preview with column mapping, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yingshang.core import staging
from yingshang.core.errors import ApplicationError, NotFound
from yingshang.core.http import AuthedRequest
from yingshang.core.models import StagedImport
from yingshang.core.pages import require

from .. import imports, services
from ..models import SourceSystem
from ..permissions import can_import_appeals


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    """Upload → preview with column mapping → confirm. The preview is a `StagedImport` row, so the confirm
    may reach any worker and any session of the same user; a second confirm imports nothing."""
    require(can_import_appeals(request.user))
    systems = SourceSystem.objects.filter(is_active=True)
    context: dict[str, Any] = {"systems": systems, "fields": imports.FIELDS, "required": imports.REQUIRED}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _import_confirm(request, systems, context)
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            context["error"] = "请选择要导入的文件。"
            return render(request, "appeals/import.html", context, status=422)
        try:
            headers, rows = imports.read_table(uploaded)
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "appeals/import.html", context, status=422)
        system_id = request.POST.get("system", "")
        staged = staging.stage(
            actor=request.user,
            kind=StagedImport.Kind.HOTLINE,
            file_name=str(uploaded.name or ""),
            payload={
                "headers": headers,
                "rows": rows,
                "system": int(system_id) if system_id.isdigit() else None,
            },
        )
        context.update(
            staged=_staged_view(staged),
            token=staged.token,
            mapping=imports.guess_mapping(headers),
            preview=rows[:10],
        )
    return render(request, "appeals/import.html", context)


def _staged_view(staged: StagedImport) -> dict[str, Any]:
    return {**staged.payload, "name": staged.file_name}


def _import_confirm(request: AuthedRequest, systems: Any, context: dict[str, Any]) -> HttpResponse:
    token = request.POST.get("token", "")
    mapping: dict[str, int | None] = {}
    payload: dict[str, Any] = {}
    try:
        # A refused import leaves `consume` by its exception, which rolls the claim back: the preview stays
        # open for a corrected column mapping.
        with staging.consume(actor=request.user, kind=StagedImport.Kind.HOTLINE, token=token) as staged:
            payload = _staged_view(staged)
            for field in imports.FIELDS:
                raw = request.POST.get(f"map_{field}", "")
                mapping[field] = int(raw) if raw.isdigit() and int(raw) < len(payload["headers"]) else None
            system = systems.filter(pk=payload["system"]).first() if payload["system"] else None
            mapped = imports.mapped_rows(payload["rows"], mapping)
            created = services.appeals_import(actor=request.user, rows=mapped, source_system=system)
    except NotFound as exc:
        raise Http404 from exc
    except staging.StagedImportGone as exc:
        messages.error(request, exc.message)
        return redirect("appeals:import")
    except ApplicationError as exc:
        context.update(
            staged=payload,
            token=token,
            mapping=mapping,
            error=exc.message,
            problems=exc.fields,
            preview=payload["rows"][:10],
        )
        return render(request, "appeals/import.html", context, status=422)
    messages.success(request, f"已导入 {len(created)} 条热线工单。")
    return redirect(reverse("appeals:list") + "?source=hotline")
