"""Text from people is cleaned at the door: C0 and C1 control characters (other than line feed and tab)
cannot be typed, render as nothing, and make XML (Excel, Word exports) invalid. Forms inherit
`CleanInputForm`; API schemas declare their text fields as `CleanText`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from django import forms
from django.http import QueryDict
from pydantic import AfterValidator

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


CleanText = Annotated[str, AfterValidator(strip_controls)]


def _cleaned(data: Any) -> Any:
    if isinstance(data, QueryDict):
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [strip_controls(v) if isinstance(v, str) else v for v in values])
        return cleaned
    return {key: strip_controls(v) if isinstance(v, str) else v for key, v in data.items()}


class CleanInputForm(forms.Form):
    """A form whose submitted text has its control characters removed before any field reads it, so
    "required" and length checks judge what will be stored."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(None if data is None else _cleaned(data), *args, **kwargs)
