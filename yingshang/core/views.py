from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .errors import ValidationFailed
from .models import OfficeSetting
from .office_settings import REGISTRY, get_setting, office_setting_change
from .permissions import can_edit_office_settings


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def office_settings(request: HttpRequest) -> HttpResponse:
    if not can_edit_office_settings(request.user):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            office_setting_change(
                actor=request.user,
                key=key,
                raw_value=request.POST.get("value"),
                note=request.POST.get("note", "").strip(),
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
    history = OfficeSetting.objects.select_related("created_by").order_by("-effective_from")[:30]
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


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
