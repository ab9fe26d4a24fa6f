from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from yingshang.audit.events import record as audit_record
from yingshang.org import roles as r

from .errors import ValidationFailed
from .forms import OfficeSettingForm
from .http import AuthedRequest
from .models import Attachment
from .office_settings import REGISTRY, get_setting, office_setting_change, setting_history
from .pages import require
from .permissions import can_edit_office_settings
from .uploads import ATTACHMENT_ACCESS


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    # A city leader reads the city, not a queue of items: their home (and so their landing after sign-in)
    # is the cockpit. Anyone who also acts on items keeps the tile page.
    if request.user.role_codes == {r.LEADER}:
        return redirect("dashboard:index")
    return render(request, "core/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def office_settings(request: HttpRequest) -> HttpResponse:
    require(can_edit_office_settings(request.user))
    error = None
    form = OfficeSettingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["key"]
        try:
            office_setting_change(
                actor=request.user,
                key=key,
                raw_value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            error = exc.message
        else:
            messages.success(request, f"“{REGISTRY[key].label}”已调整，即时生效。")
            return redirect("core:office_settings")
    groups: dict[str, list[dict]] = {}
    for definition in sorted(REGISTRY.values(), key=lambda d: (d.group, d.key)):
        groups.setdefault(definition.group, []).append(
            {"definition": definition, "value": get_setting(definition.key)}
        )
    history = setting_history()
    return render(
        request,
        "core/office_settings.html",
        {
            "groups": groups,
            "history": history,
            "error": error,
            "labels": {k: d.label for k, d in REGISTRY.items()},
        },
    )


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse | None:
    """Under /api/ every error keeps the API's shape {code, message, fields}, even outside a router."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    return None


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 403, "forbidden", "您没有执行该操作的权限。") or render(
        request, "403.html", status=403
    )


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 404, "not_found", "记录不存在或无权查看。") or render(
        request, "404.html", status=404
    )


def error_500(request: HttpRequest) -> HttpResponse:
    return _api_error(request, 500, "server_error", "服务器出错了，请稍后再试。") or render(
        request, "500.html", status=500
    )


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    """Serve a file only to whoever may see the item it belongs to; anyone else gets 404."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    predicate = ATTACHMENT_ACCESS.get(f"{attachment.content_type.app_label}.{attachment.content_type.model}")
    item = attachment.item
    if predicate is None or item is None or not predicate(request.user, item):
        raise Http404
    audit_record(actor=request.user, action="attachment.download", obj=attachment)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
