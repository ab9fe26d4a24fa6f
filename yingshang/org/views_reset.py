"""The page behind a one-time password link: the holder sets a new password, then signs in normally."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from yingshang.core.errors import ValidationFailed

from . import services


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, token: str) -> HttpResponse:
    link = services.usable_reset_link(token)
    if link is None:
        return render(request, "org/password_reset.html", {"invalid": services.INVALID_LINK}, status=404)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(raw=token, new_password=form.cleaned_data["new_password1"])
        except ValidationFailed as exc:
            form.add_error("new_password1", exc.message)
        else:
            messages.success(request, "新密码已设置，请用新密码登录。")
            return redirect("org:login")
    return render(request, "org/password_reset.html", {"form": form, "account": link.user})
