from typing import Any

from django import forms

from yingshang.core import challenge
from yingshang.core.cleaning import CleanInputForm
from yingshang.core.errors import ValidationFailed
from yingshang.org.models import Department

from .models import Category, FollowUp
from .services import validate_intake

INTAKE_FIELDS = (
    "enterprise_name",
    "credit_code",
    "contact_name",
    "contact_phone",
    "category",
    "title",
    "description",
)


class SubmitForm(CleanInputForm):
    """The public form. Every field is checked in one pass, by the same rule the API and imports use
    (services.validate_intake), so all problems are shown at once. `challenged`: this address has used its
    hourly budget and must answer the arithmetic question first."""

    enterprise_name = forms.CharField(label="企业名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20)
    category = forms.ChoiceField(label="诉求类型", choices=[("", "请选择"), *list(Category.choices)])
    title = forms.CharField(label="标题（可不填）", max_length=200, required=False)
    description = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 6}))
    consent = forms.BooleanField(
        label="我已阅读并同意上述联系信息使用说明",
        error_messages={"required": "请阅读并同意联系信息使用说明。"},
    )

    def __init__(self, *args, enterprise: Any = None, challenged: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        if enterprise is not None:
            # An enterprise account submits as its own enterprise (the service fills both in).
            del self.fields["enterprise_name"], self.fields["credit_code"]
        if challenged:
            self.fields["challenge_answer"] = forms.CharField(
                label="验证问题",
                max_length=10,
                error_messages={"required": "请回答验证问题。"},
            )
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            if isinstance(field, forms.ChoiceField):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        if "credit_code" in self.fields:
            self.fields["credit_code"].widget.attrs.update(
                {"autocapitalize": "characters", "placeholder": "18位"}
            )
        # The same words validate_intake uses, whichever layer notices the gap first.
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = f"请选择{field.label}。"
            elif name in INTAKE_FIELDS:
                field.error_messages["required"] = f"请填写{field.label}。"
        if "challenge_answer" in self.fields:
            self.fields["challenge_answer"].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "off"}
            )

    def ask(self, question: challenge.Challenge) -> None:
        """Show `question` on the next render (a new one after every attempt: a token answers once)."""
        if "challenge_answer" not in self.fields:
            self.fields["challenge_answer"] = forms.CharField(label="验证问题", max_length=10)
        label = f"验证问题：{question.question}（请填阿拉伯数字）"
        # Validation already built the bound field with the old label: set both.
        self.fields["challenge_answer"].label = self["challenge_answer"].label = label
        self.challenge_token = question.token
        if self.is_bound:
            self.data = {**self.data, "challenge_answer": ""}

    def clean_challenge_answer(self) -> str:
        answer = self.cleaned_data["challenge_answer"]
        if not challenge.passes(self.data.get("challenge_token", ""), answer):
            raise forms.ValidationError("验证问题回答不正确，请回答新的问题。")
        return answer

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name, self.data.get(name, "")) for name in INTAKE_FIELDS}
        if self.enterprise is not None:
            data.update(credit_code=self.enterprise.credit_code, enterprise_name=self.enterprise.name)
        try:
            validate_intake(data)
        except ValidationFailed as exc:
            for field, problems in exc.fields.items():
                if field in self.fields and field not in self.errors:
                    for problem in problems:
                        self.add_error(field, problem)
        return cleaned


class TrackForm(CleanInputForm):
    code = forms.CharField(label="查询码", max_length=20)
    last4 = forms.RegexField(
        label="联系电话后四位", regex=r"^\d{4}$", error_messages={"invalid": "请输入联系电话的后四位数字。"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["last4"].widget.attrs.update({"inputmode": "numeric", "maxlength": "4"})


# --- the handling actions on the detail page -----------------------------------------------------------
# Parsers for the action forms: they turn the posted text into values and carry the service's refusal
# back to each field (`core.pages.run_action(form=...)`). The rules themselves — what is required, which
# reasons exist, the limits — are the services' and the workflow table's, so the page, the API and the
# commands refuse alike; a field the service checks is optional here.


def _departments() -> Any:
    return Department.objects.filter(is_active=True)


class ActionForm(CleanInputForm):
    version = forms.IntegerField(required=False, min_value=0)


class DispatchForm(ActionForm):
    main_department: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    co_departments = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    instruction = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = _departments()
        self.fields["main_department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["main_department"].error_messages["invalid_choice"] = "所选主办单位不存在。"
        self.fields["co_departments"].choices = [(d.pk, d.pk) for d in departments.only("pk")]  # type: ignore[attr-defined]
        self.fields["co_departments"].error_messages["invalid_choice"] = "所选协办单位不存在。"


class ReasonNoteForm(ActionForm):
    """退单 and 作废: a reason from the model's choices (checked by the service) and a note."""

    reason = forms.CharField(max_length=16, required=False)
    note = forms.CharField(max_length=500, required=False)


class ReplyForm(ActionForm):
    content = forms.CharField(required=False, strip=False)


class FollowUpForm(ActionForm):
    satisfaction = forms.CharField(max_length=16, required=False)
    solved = forms.TypedChoiceField(
        choices=[("1", "已解决"), ("0", "未解决")],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    note = forms.CharField(required=False)


class ExtensionForm(ActionForm):
    days = forms.IntegerField(required=False, error_messages={"invalid": "延期天数应为整数。"})
    reason = forms.CharField(required=False, strip=False)

    def clean_days(self) -> int:
        return self.cleaned_data["days"] or 0  # the service says what the limits are


class ExtensionDecisionForm(ActionForm):
    decision = forms.ChoiceField(choices=[("approve", "同意"), ("refuse", "不同意")], required=False)
    note = forms.CharField(required=False)


class UnreasonableForm(ActionForm):
    reason = forms.CharField(required=False, strip=False)


class RatingForm(TrackForm):
    """The anonymous submitter's rating on the tracking page; the code and phone ending come back hidden."""

    satisfaction = forms.ChoiceField(
        label="您对答复是否满意",
        choices=FollowUp.Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度。"},
    )
    solved = forms.TypedChoiceField(
        label="问题是否已解决",
        choices=[("1", "已解决"), ("0", "未解决")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择问题是否已解决。"},
    )
    note = forms.CharField(label="意见或建议", max_length=1000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rating_%s")  # the look-up form above has id_code and id_last4
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        self.fields["last4"].widget = forms.HiddenInput()
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"
        self.fields["solved"].widget.attrs["class"] = "form-check-input"
        self.fields["note"].widget.attrs.update({"rows": "3", "placeholder": "选填，最多 1000 字"})
