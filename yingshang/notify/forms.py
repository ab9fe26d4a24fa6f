"""The notify pages' POSTs. Rules (known kinds, a robot's address) are the services'; these only read."""

from __future__ import annotations

from typing import Any

from django import forms

from .kinds import KINDS
from .models import Channel, WebhookFlavor


class PreferencesForm(forms.Form):
    """One checkbox per (kind, channel), named "<kind>__<channel>" as the page draws them."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            for channel in Channel.values:
                self.fields[f"{kind}__{channel}"] = forms.BooleanField(required=False)

    def choices(self) -> dict[str, set[str]]:
        """The channels chosen for each kind, as `services.preferences_set` takes them."""
        return {kind: {c for c in Channel.values if self.cleaned_data[f"{kind}__{c}"]} for kind in KINDS}


class RobotForm(forms.Form):
    # Left as text: the service says what is wrong with a flavor or an address, in one place.
    url = forms.CharField(required=False, strip=False)
    flavor = forms.CharField(required=False, empty_value=WebhookFlavor.WECOM)
    enabled = forms.CharField(required=False)

    def clean_enabled(self) -> bool:
        return self.cleaned_data["enabled"] == "1"
