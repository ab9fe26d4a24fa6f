"""`{% load workdays_tags %}{% workdays_notice %}`: the office's notice that a year's schedule is missing."""

from typing import Any

from django import template

from ..selectors import provisional_notice

register = template.Library()


@register.inclusion_tag("workdays/_notice.html", takes_context=True)
def workdays_notice(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    return {"workdays_notice": provisional_notice(user) if user is not None else None}
