"""One way for a service to run a model's own checks (`full_clean`) before writing: a failure becomes a
`ValidationFailed` carrying every field's messages, so the API answers {code, message, fields} and a page
puts each message beside its field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .errors import ValidationFailed, validation_error_fields


def full_clean_or_refuse(
    obj: models.Model,
    *,
    exclude: list[str] | None = None,
    code: str | None = None,
    first_as_message: bool = False,
) -> None:
    """`obj.full_clean(exclude=...)`, refused as ValidationFailed. `first_as_message`: the refusal's message
    is the first field's own message instead of the generic one — for doors where the message is all a
    person sees (the public appeal form's page message, an API client's log line)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields: dict[str, Any] = validation_error_fields(exc)
        message = next(iter(fields.values()))[0] if first_as_message and fields else None
        raise ValidationFailed(message, code=code, fields=fields) from exc
