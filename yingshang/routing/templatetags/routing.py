"""`{% load routing %}{% routing_suggestions appeal %}`: the dispatch suggestions for one appeal, for the
appeals dispatch screen to include. Renders nothing for users who may not dispatch."""

from typing import Any

from django import template

from ..permissions import can_see_suggestions
from ..services import suggest_departments
from ..textmodel import check_text

register = template.Library()


@register.inclusion_tag("routing/_suggestions.html", takes_context=True)
def routing_suggestions(context: dict[str, Any], appeal: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not can_see_suggestions(user):
        return {"show": False}
    text = f"{appeal.title}\n{appeal.description}"
    check = check_text(text)
    suggestions = suggest_departments(text, k=3, exclude_appeal_id=appeal.pk) if check.ok else []
    return {"show": True, "appeal": appeal, "suggestions": suggestions, "reason": check.reason}
