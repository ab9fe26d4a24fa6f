"""The minimum substance of an official text (a reply to an enterprise, an answer to a supervision order)."""

from __future__ import annotations

import unicodedata

from .errors import ValidationFailed


def substantive_length(text: str) -> int:
    """Characters that carry content: whitespace and punctuation do not ("好。。。" is one)."""
    return sum(1 for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def require_official_text(text: str | None, *, minimum: int, field: str, what: str) -> str:
    """`text` stripped, or a refusal when it is shorter than `minimum`: "好" or "已办" tells the reader nothing."""
    cleaned = (text or "").strip()
    if not cleaned:
        message = f"请填写{what}。"
        raise ValidationFailed(message, code="core.official_text_missing", fields={field: [message]})
    if substantive_length(cleaned) < minimum:
        message = f"{what}至少 {minimum} 个字（不含标点和空格），请写明办理情况、结果和依据。"
        raise ValidationFailed(message, code="core.official_text_too_short", fields={field: [message]})
    return cleaned
