"""Small filters for the ledger pages, in place of per-row includes (an include per row of a 50-row list costs
more than the row itself)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

BADGES = {
    "red": mark_safe('<span class="badge text-bg-danger">红色预警</span>'),
    "yellow": mark_safe('<span class="badge text-bg-warning">黄色预警</span>'),
    "green": mark_safe('<span class="badge text-bg-success">正常</span>'),
}
NONE = mark_safe('<span class="text-secondary">—</span>')


@register.filter
def level_badge(level: str) -> SafeString:
    return BADGES.get(level, NONE)
