import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed
from yingshang.core.http import AuthedRequest

from . import services
from .forms import LoginForm, OtpTokenForm, PasswordChangeForm
from .signin import may_enrol_factor, safe_next_url


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        requested = self.request.POST.get(
            self.redirect_field_name, self.request.GET.get(self.redirect_field_name)
        )
        return safe_next_url(self.request, requested, fallback="")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.GET.get("timeout"):
            minutes = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
            context["timeout_message"] = f"您已超过 {minutes} 分钟未操作，请重新登录。"
        return context


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(
        request,
        "org/login.html",
        {
            "form": LoginForm(request),
            "locked_message": f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。",
        },
        status=429,
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect(settings.LOGIN_REDIRECT_URL)
    forced = request.user.must_change_password or request.user.password_expired(
        settings.PASSWORD_MAX_AGE_DAYS
    )
    return render(request, "org/password_change.html", {"form": form, "forced": forced})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol a device: a first one right after the password sign-in, a replacement only from a session that
    has verified the current one (signin.may_enrol_factor). Anyone else starts again at the login page."""
    user = request.user
    if not may_enrol_factor(request, user):
        audit_record(actor=user, action="auth.otp_enrol_refused", obj=user)
        logout(request)
        minutes = settings.OTP_ENROLMENT_WINDOW_SECONDS // 60
        messages.warning(request, f"绑定动态口令须在登录后 {minutes} 分钟内完成，请重新登录后再绑定。")
        return redirect(settings.LOGIN_URL)
    device = services.otp_device_pending(user=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            replaced = services.otp_device_confirm(actor=user, device=device)
            otp_login(request, device)
            messages.success(request, "动态口令已更换。" if replaced else "动态口令已绑定。")
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("token", "动态口令不正确，请核对手机时间后重试。")
    return render(
        request,
        "org/otp_setup.html",
        {"form": form, "qr": _qr_svg(device.config_url), "secret": base64.b32encode(device.bin_key).decode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthedRequest) -> HttpResponse:
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (
                d
                for d in TOTPDevice.objects.filter(user=request.user, confirmed=True)
                if d.verify_token(form.cleaned_data["token"])
            ),
            None,
        )
        if device is not None:
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.otp_verified", obj=request.user)
            return redirect(safe_next_url(request, request.GET.get("next"), settings.LOGIN_REDIRECT_URL))
        audit_record(actor=request.user, action="auth.otp_failed", obj=request.user)
        form.add_error("token", "动态口令不正确。")
    return render(request, "org/otp_verify.html", {"form": form})
