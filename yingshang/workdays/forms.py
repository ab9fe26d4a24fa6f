from django import forms


class OverrideForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="调整为", choices=[("off", "休息（放假）"), ("work", "上班（调休）")])
    note = forms.CharField(label="说明", max_length=100, required=False)


class YearEnterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    text = forms.CharField(
        label="放假安排",
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                "placeholder": "2027-01-01 休 元旦\n2027-02-06至2027-02-13 休 春节\n2027-02-14 班 春节调休",
            }
        ),
    )
    complete = forms.BooleanField(label="该年度放假安排已全部录入", required=False, initial=True)
    note = forms.CharField(label="依据", max_length=200, required=False)


class YearMarkForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    complete = forms.BooleanField(required=False)
    note = forms.CharField(max_length=200, required=False)
