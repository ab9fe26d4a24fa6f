"""JSON API of smart dispatch: suggestions for a text (for the hotline system's dispatch desk) and the
near duplicates of a text. Same permission predicates as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from yingshang.appeals import similarity
from yingshang.core.errors import PermissionRefused

from . import services
from .permissions import can_see_suggestions
from .textmodel import check_text

router = Router(tags=["智能派单"])


class TextIn(Schema):
    text: str


class SuggestionOut(Schema):
    department_id: int
    department: str
    confidence: float
    similar_appeal_ids: list[int]


class SuggestionsOut(Schema):
    suggestions: list[SuggestionOut]
    reason: str = ""


class DuplicateOut(Schema):
    appeal_id: int
    similarity: float


@router.post("/suggestions", response=SuggestionsOut)
def suggestions(request: HttpRequest, payload: TextIn) -> dict:
    if not can_see_suggestions(request.user):
        raise PermissionRefused(code="routing.suggestions_refused")
    check = check_text(payload.text)
    rows = services.suggest_departments(payload.text) if check.ok else []
    return {
        "suggestions": [
            {
                "department_id": d.pk,
                "department": d.name,
                "confidence": c,
                "similar_appeal_ids": [int(i) for i in ids],
            }
            for d, c, ids in rows
        ],
        "reason": check.reason or ("" if rows else "暂无可用的派单模型。"),
    }


@router.post("/duplicates", response=list[DuplicateOut])
def duplicates(request: HttpRequest, payload: TextIn, days: int = 30) -> list[dict]:
    if not can_see_suggestions(request.user):
        raise PermissionRefused(code="routing.suggestions_refused")
    days = max(1, min(days, 365))
    return [
        {"appeal_id": pk, "similarity": score}
        for pk, score in similarity.similar_recent(payload.text, days=days)
    ]
