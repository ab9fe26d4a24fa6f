"""The forms of supervision's pages. They only parse what was posted; every rule (a department that must
be active, a deadline not in the past, who may act) is the service's, and its refusal comes back onto the
form's fields through `core.pages.run_action`."""

from __future__ import annotations

from typing import Any

from django import forms

from yingshang.org.models import Department


def _text(**kwargs: Any) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


class LenientDateField(forms.DateField):
    """A date, or None when blank or not a date: the service then says which date it needs."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class LenientDepartmentField(forms.ModelChoiceField):
    """A department, or None when none (or no such one) was chosen: the service asks for one."""

    def __init__(self, **kwargs: Any) -> None:
        # Every department, not only active ones: the service says in words why a stopped unit is refused.
        super().__init__(Department.objects.all(), required=False, **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


def _date() -> forms.DateField:
    return LenientDateField(required=False)


class OrderActionForm(forms.Form):
    reply = _text()
    note = _text()
    reason = _text()
    reply_deadline = _text()  # parsed by the service, which names the field when it is not a date


class InstructionActionForm(forms.Form):
    reply = _text()
    reason = _text()
    note = _text()


class FindingActionForm(forms.Form):
    report = _text()
    reason = _text()
    note = _text()


class CaseActionForm(forms.Form):
    reason = _text()


class NamesPrintableForm(forms.Form):
    printable = _text()


class OrderIssueForm(forms.Form):
    requirement = _text()
    department = LenientDepartmentField()
    reply_deadline = _date()
    level = _text()

    def clean_department(self) -> Department:
        # The service falls back to the item's own unit; on the page the office must choose it.
        department = self.cleaned_data.get("department")
        if department is None:
            raise forms.ValidationError("请选择责任单位。")
        return department


class RemindForm(forms.Form):
    message = _text()


class InstructionForm(forms.Form):
    content = _text()
    department = LenientDepartmentField()
    deadline = _date()


class InspectionForm(forms.Form):
    date = _date()
    place = _text()
    team = _text()
    mode = _text()
    summary = _text()


class FindingForm(forms.Form):
    description = _text()
    department = LenientDepartmentField()
    rectification_deadline = _date()


class CaseForm(forms.Form):
    title = _text()
    facts = _text()
    departments = forms.ModelMultipleChoiceField(Department.objects.all(), required=False)
    action = _text()
    action_detail = _text()
    case_date = _date()
    names_printable = forms.BooleanField(required=False)

    def people(self) -> list[dict[str, str]]:
        data: Any = self.data  # the QueryDict of the request
        names = data.getlist("person_name")
        positions = data.getlist("person_position")
        return [
            {"name": n, "position": p} for n, p in zip(names, positions + [""] * len(names), strict=False)
        ]
