from django import forms

from .models import Category


class SubmitForm(forms.Form):
    enterprise_name = forms.CharField(label="企业名称", max_length=200, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20)
    category = forms.ChoiceField(label="诉求类型", choices=[("", "请选择"), *list(Category.choices)])
    title = forms.CharField(label="标题（可不填）", max_length=200, required=False)
    description = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    consent = forms.BooleanField(
        label="我已阅读并同意上述联系信息使用说明",
        error_messages={"required": "请阅读并同意联系信息使用说明。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            if isinstance(field, forms.ChoiceField):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["credit_code"].widget.attrs.update(
            {"autocapitalize": "characters", "placeholder": "18位"}
        )


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20)
    last4 = forms.RegexField(
        label="联系电话后四位", regex=r"^\d{4}$", error_messages={"invalid": "请输入联系电话的后四位数字。"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["last4"].widget.attrs.update({"inputmode": "numeric", "maxlength": "4"})
