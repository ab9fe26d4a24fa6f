from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def num(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value):.{int(digits)}f}".rstrip("0").rstrip(".") if digits else f"{float(value):.0f}"
    except (TypeError, ValueError):
        return str(value)
