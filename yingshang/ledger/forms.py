"""The ledger's page forms. They parse what was posted (types, dates, ids); the rules — what is required,
what range, who may — are the services', whose refusals `core.pages.run_action` puts onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from yingshang.org.models import Department

from .models import Category, Cycle, Measure, PolicyDocument


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several uploaded files under one name (Django's documented pattern), as a list."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class IdListField(forms.Field):
    """Several ids under one name, in the order posted; anything not a number is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return [int(x) for x in (value or []) if str(x).isdigit()]


def _departments(ids: list[int]) -> list[Department]:
    """The departments in the order chosen (the first lead is the primary one)."""
    found = Department.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _text(**kwargs: Any) -> forms.CharField:
    return forms.CharField(required=False, strip=False, **kwargs)


class DecisionForm(forms.Form):
    decision = _text()
    reason = _text()


class ExtensionDecisionForm(DecisionForm):
    note = _text()


class SavedFilterForm(forms.Form):
    name = _text()
    query = _text()


class ReportForm(forms.Form):
    text = _text()
    percent = forms.IntegerField(required=False, error_messages={"invalid": "完成进度应为 0–100 的整数。"})
    metric_value = forms.DecimalField(required=False, error_messages={"invalid": "指标完成值应为数字。"})
    problems = _text()
    next_steps = _text()
    coordination = _text()
    fold = IdListField(required=False)
    evidence = FilesField()


class ContributionForm(forms.Form):
    text = _text()


class CloseOutForm(forms.Form):
    summary = _text()
    annual = forms.BooleanField(required=False)
    evidence = FilesField()


class TaskActionForm(forms.Form):
    ACTIONS = {"start": "已开始推进。", "reopen": "任务已重新打开。", "cancel": "任务已取消。"}

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = _text()


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        error_messages={"invalid": "请填写申请延期至的日期。", "required": "请填写申请延期至的日期。"}
    )
    reason = _text()


class TaskAdjustForm(forms.Form):
    deadline = forms.DateField(required=False, error_messages={"invalid": "完成时限格式应为 YYYY-MM-DD。"})
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    cycle = forms.CharField(required=False)
    is_priority = forms.CharField(required=False)
    leads = IdListField(required=False)
    cos = IdListField(required=False)
    reason = _text()

    def changes(self) -> dict[str, Any]:
        """What the office asked to change; an unknown cycle and an empty field leave the task as it is."""
        data = self.cleaned_data
        changes: dict[str, Any] = {k: data[k] for k in ("deadline", "category") if data.get(k)}
        if data.get("cycle") in Cycle.values:
            changes["cycle"] = data["cycle"]
        if "is_priority" in self.data:
            changes["is_priority"] = data.get("is_priority") == "1"
        if data.get("leads"):
            changes["lead_departments"] = _departments(data["leads"])
            changes["co_departments"] = _departments(data.get("cos") or [])
        return changes


class TaskCreateForm(forms.Form):
    title = _text()
    serial = _text()
    measure = forms.IntegerField(required=False)
    measure_title = _text()
    measure_serial = _text()
    category = forms.IntegerField(required=False)
    leads = IdListField(required=False)
    cos = IdListField(required=False)
    ongoing = forms.BooleanField(required=False)
    deadline = forms.DateField(required=False, error_messages={"invalid": "请填写完成时限，或选择长期坚持。"})
    cycle = forms.CharField(required=False)
    metric = _text()
    target_value = forms.DecimalField(required=False, error_messages={"invalid": "目标值应为数字。"})
    unit = _text()
    is_priority = forms.BooleanField(required=False)

    def __init__(self, *args: Any, document: PolicyDocument, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.document = document

    def task_fields(self) -> dict[str, Any]:
        """`services.task_create`'s keywords besides the measure (which may be new)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "serial": data["serial"],
            "lead_departments": _departments(data["leads"]),
            "co_departments": _departments(data["cos"]),
            "deadline": None if data["ongoing"] else data["deadline"],
            "ongoing": data["ongoing"],
            "cycle": data["cycle"] or None,
            "category": self.chosen_category(),
            "metric": data["metric"],
            "target_value": data["target_value"],
            "unit": data["unit"],
            "is_priority": data["is_priority"],
            "sort_order": None,
        }

    def chosen_category(self) -> Category | None:
        return Category.objects.filter(pk=self.cleaned_data.get("category") or 0).first()

    def chosen_measure(self) -> Measure | None:
        return Measure.objects.filter(
            document=self.document, pk=self.cleaned_data.get("measure") or 0
        ).first()


class DocumentForm(forms.Form):
    title = _text()
    doc_number = _text()
    issuer = _text()
    issued_on = forms.DateField(required=False, error_messages={"invalid": "发文日期格式应为 YYYY-MM-DD。"})
    source_file = forms.FileField(required=False)


class CategoryForm(forms.Form):
    pk = forms.IntegerField(required=False)
    code = _text()
    name = _text()
    is_active = forms.CharField(required=False)
