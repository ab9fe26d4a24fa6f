"""Small filters for the ledger pages, in place of per-row includes (an include per row of a 50-row list costs
more than the row itself)."""

from django import template
from django.utils.html import format_html_join
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


@register.simple_tag(takes_context=True)
def field_errors(context: template.Context, form_name: str, field: str, pk: object = None) -> str:
    """The errors of `field` when the refused action was the form `form_name` (of row `pk`, when the page
    has one such form per row), shown beside the field; "__all__" for those of no one field."""
    form = context.get("failed_form")
    if form is None or context.get("failed") != (form_name if pk is None else f"{form_name}_{pk}"):
        return ""
    return format_html_join(
        "", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in form.errors.get(field, []))
    )


@register.simple_tag(takes_context=True)
def posted(context: template.Context, form_name: str, field: str, default: object = "") -> object:
    """What was typed into `field` of the refused form `form_name`, so nothing has to be typed again."""
    form = context.get("failed_form")
    if form is None or context.get("failed") != form_name:
        return default
    return form.data.get(field, default)
