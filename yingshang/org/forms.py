from typing import cast

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


ALIAS_SPLIT = "、,，;；\n"


def _split_aliases(text: str) -> list[str]:
    for sep in ALIAS_SPLIT:
        text = text.replace(sep, "\n")
    return [a.strip() for a in text.split("\n") if a.strip()]


class DepartmentForm(forms.Form):
    code = forms.CharField(label="单位编码", max_length=32)
    name = forms.CharField(label="单位全称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    aliases = forms.CharField(
        label="别名", required=False, help_text="多个别名以顿号或逗号分隔，如：市发改委、发改委"
    )
    kind = forms.ChoiceField(label="类型")
    parent = forms.TypedChoiceField(label="上级单位", required=False, coerce=int, empty_value=None)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, department_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Department

        cast(forms.ChoiceField, self.fields["kind"]).choices = Department.Kind.choices
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", "（无，顶级单位）"),
            *department_choices,
        ]

    def clean_aliases(self) -> list[str]:
        return _split_aliases(self.cleaned_data.get("aliases") or "")


class AccountForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150)
    real_name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.EmailField(label="邮箱", required=False)
    department = forms.TypedChoiceField(label="所属单位", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, department_choices: list[tuple[int, str]], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", "（无）"), *department_choices]
        if editing:
            del self.fields["username"]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label="角色", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .roles import role_choices

        cast(forms.ChoiceField, self.fields["roles"]).choices = role_choices()


class TokenForm(forms.Form):
    name = forms.CharField(label="令牌名称", max_length=100, help_text="如：12345热线对接")
    user = forms.TypedChoiceField(label="代表账号", coerce=int)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            (u.pk, f"{u.username}（{u.real_name}）") for u in holders
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件（.xlsx）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的文件。")
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError("导入文件不能超过 2 MB。")
        head = f.read(4)
        f.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件内容不是有效的 .xlsx 表格。")
        return f
