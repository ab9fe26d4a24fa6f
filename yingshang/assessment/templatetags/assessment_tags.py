from typing import Any

from django import template

from yingshang.assessment.measures import REGISTRY as MEASURES
from yingshang.core.office_settings import REGISTRY as SETTINGS

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


@register.filter
def setting_label(key: str) -> str:
    """An office setting by its Chinese name, as on the settings page."""
    definition = SETTINGS.get(key)
    return definition.label if definition else key


@register.filter
def measure_label(code: str) -> str:
    """An assessment measure by its Chinese name."""
    measure = MEASURES.get(code)
    return measure.label if measure else code
