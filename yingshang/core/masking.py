"""Masking of personal data in lists, exports and the API for roles that do not need it."""

import re


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = re.sub(r"\s", "", value)
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) > 7 else "***" + digits[-4:]
    return "*" * len(digits)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
