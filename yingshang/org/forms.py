from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "账号或密码错误。连续输错5次，账号将被锁定15分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("当前密码不正确。")
        return old


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label="动态口令",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
