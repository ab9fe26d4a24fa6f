"""The core pages' POSTs. What a value must be is the office setting's own rule (`office_settings.coerce`)."""

from django import forms


class OfficeSettingForm(forms.Form):
    # All optional text: the service says what is wrong (an unknown key, a value its setting cannot take).
    key = forms.CharField(required=False)
    value = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False)
