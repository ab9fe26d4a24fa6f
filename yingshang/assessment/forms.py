"""The forms of the assessment's pages. They parse what was posted; the rules (weights adding up to 100, a
started period, who may act) are the services', whose refusals come back onto the fields through
`core.pages.run_action`."""

from __future__ import annotations

from typing import Any

from django import forms

from yingshang.org.models import Department

from . import measures
from .bulletin import SECTION_KEYS
from .models import EvaluationIndicator, IndicatorSet


def _text(**kwargs: Any) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


class _Lenient:
    """A field that gives None for what it cannot read, so the service (or the form's clean) says what
    it needs in its own words."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)  # type: ignore[misc]
        except forms.ValidationError:
            return None


class LenientDateField(_Lenient, forms.DateField):
    pass


class LenientModelChoiceField(_Lenient, forms.ModelChoiceField):
    pass


class LenientFloatField(_Lenient, forms.FloatField):
    pass


class ComputeForm(forms.Form):
    indicator_set = LenientModelChoiceField(IndicatorSet.objects.all(), required=False)
    period = _text()

    def clean_indicator_set(self) -> IndicatorSet:
        if self.cleaned_data.get("indicator_set") is None:
            raise forms.ValidationError("请选择指标体系。")
        return self.cleaned_data["indicator_set"]


class RunActionForm(forms.Form):
    action = _text()
    note = _text()


class ObjectionForm(forms.Form):
    reason = _text()
    measure = _text()


class DecisionForm(forms.Form):
    """The office's decision on an objection or a bonus item: the button pressed and its note."""

    action = _text()
    decision = _text()
    note = _text()


class IndicatorSetForm(forms.Form):
    name = _text()
    groups = forms.MultipleChoiceField(required=False)
    deduction_cap = _text()
    bonus_cap = _text()
    is_active = _text()
    note = _text()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any group posted goes to the service, which names the valid ones.
        self.fields["groups"].valid_value = lambda value: True  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "groups": d["groups"],
            "deduction_cap": d["deduction_cap"] or "0",
            "bonus_cap": d["bonus_cap"] or "0",
            "is_active": d["is_active"] == "1",
            "note": d["note"],
            "indicators": self.indicator_rows(),
        }

    def indicator_rows(self) -> list[dict[str, Any]]:
        """The indicator rows of the table (measure_0, name_0, … one numbered set of inputs per row)."""
        post = self.data
        rows = []
        for i in range(len(measures.REGISTRY) + 2):
            key = post.get(f"measure_{i}", "")
            if not key:
                continue
            rows.append(
                {
                    "measure": key,
                    "name": post.get(f"name_{i}", ""),
                    "kind": post.get(f"kind_{i}", ""),
                    "weight": post.get(f"weight_{i}", "0") or "0",
                    "higher_is_better": post.get(f"hib_{i}") == "1",
                    "points_per_item": post.get(f"points_{i}", "1") or "1",
                }
            )
        return rows


class BonusItemForm(forms.Form):
    department = LenientModelChoiceField(Department.objects.all(), required=False)
    title = _text()
    points = _text()
    awarded_on = LenientDateField(required=False)
    basis = _text()

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("department") is None or d.get("awarded_on") is None:
            raise forms.ValidationError("请选择单位并填写事项日期。", code="assessment.bonus_input_missing")
        return d


class BulletinForm(forms.Form):
    title = _text()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in SECTION_KEYS:
            self.fields[key] = _text(strip=False)

    def sections(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in SECTION_KEYS}


class EvaluationIndicatorForm(forms.Form):
    indicator = LenientModelChoiceField(EvaluationIndicator.objects.all(), required=False)  # None: a new one
    first_level = _text()
    name = _text()
    unit = _text()
    department = LenientModelChoiceField(Department.objects.all(), required=False)
    frontier = LenientFloatField(required=False)
    worst = LenientFloatField(required=False)
    higher_is_better = _text()

    def clean_higher_is_better(self) -> bool:
        return self.cleaned_data.get("higher_is_better") == "1"

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("department") is None:
            raise forms.ValidationError("请选择责任单位。", code="assessment.department_missing")
        if d.get("frontier") is None or d.get("worst") is None:
            raise forms.ValidationError("前沿值和最差值应为数字。", code="assessment.not_a_number")
        return d


class EvaluationValueForm(forms.Form):
    period = _text()
    value = _text()
    note = _text()


class TaskFromIndicatorForm(forms.Form):
    deadline = forms.DateField(error_messages={"required": "请填写完成时限。", "invalid": "请填写完成时限。"})
