from django import forms

from .selectors import CATEGORY_LABELS


class AuditSearchForm(forms.Form):
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *CATEGORY_LABELS.items()]
    )
    start = forms.DateTimeField(
        label="起始时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label="截止时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    account = forms.CharField(label="账号", required=False, max_length=150)
    action = forms.CharField(
        label="操作",
        required=False,
        max_length=100,
        help_text="如“登录成功”；输入部分文字查一类操作，如“登录”",
    )
    object_type = forms.CharField(label="对象类型", required=False, max_length=100)
    object_id = forms.CharField(label="对象ID", required=False, max_length=64)
    ip = forms.CharField(label="IP地址", required=False, max_length=45)

    def clean(self):
        data = super().clean() or {}
        for key in ("category", "account", "action", "object_type", "object_id", "ip"):
            data[key] = (data.get(key) or "").strip()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "截止时间应晚于起始时间。")
        return data

    def filters(self) -> dict:
        """The cleaned filters, without the empty ones (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
