"""JSON API of the appeals loop: intake from other systems (idempotent), status by id, a department's
queue. Same permission predicates as the pages; phone numbers are always masked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from yingshang.core.cleaning import CleanText
from yingshang.core.errors import PermissionRefused
from yingshang.core.masking import mask_phone

from . import selectors, services
from .models import Appeal
from .permissions import access_appeal, can_submit_appeal_api

router = Router(tags=["企业诉求"])


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class AppealIn(Schema):
    external_id: CleanText = ""
    enterprise_name: CleanText
    credit_code: CleanText
    contact_name: CleanText
    contact_phone: CleanText
    category: CleanText
    urgent: bool = False
    title: CleanText = ""
    description: CleanText


class ReplyOut(Schema):
    round: int
    department: str
    content: str
    replied_at: datetime
    on_time: bool


class AppealOut(Schema):
    id: int
    tracking_code: str
    external_id: str
    state: str
    state_label: str
    category: str
    urgent: bool
    title: str
    enterprise_name: str
    credit_code: str
    concerned_enterprise: str | None
    contact_phone_masked: str
    main_department: str | None
    round: int
    received_at: datetime
    sign_deadline: datetime | None
    sign_deadline_provisional: bool
    reply_deadline: datetime | None
    reply_deadline_provisional: bool
    duplicate_of: str | None
    version: int

    @staticmethod
    def resolve_state_label(obj: Appeal) -> str:
        return Appeal.State(obj.state).label

    @staticmethod
    def resolve_contact_phone_masked(obj: Appeal) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_concerned_enterprise(obj: Appeal) -> str | None:
        return obj.concerned_enterprise.name if obj.concerned_enterprise_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_main_department(obj: Appeal) -> str | None:
        return str(obj.main_department) if obj.main_department_id else None

    @staticmethod
    def resolve_duplicate_of(obj: Appeal) -> str | None:
        return obj.duplicate_of.tracking_code if obj.duplicate_of_id else None  # type: ignore[union-attr]


class AppealDetailOut(AppealOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj: Appeal) -> list[dict[str, Any]]:
        return [
            {
                "round": r.round,
                "department": str(r.department),
                "content": r.content,
                "replied_at": r.replied_at,
                "on_time": r.on_time,
            }
            for r in obj.replies.select_related("department").order_by("replied_at")
        ]


@router.post(
    "/",
    response={200: AppealOut, 201: AppealOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="接收企业诉求（幂等）",
    description="请求头 `Idempotency-Key` 必填：同一键、同一内容的重试返回同一条诉求（200）；"
    "同一键、不同内容返回 409 `appeals.idempotency_key_reused`。新建返回 201。",
)
def intake(
    request: HttpRequest, payload: AppealIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    user = request.user
    if not can_submit_appeal_api(user):
        raise PermissionRefused("该账号不能通过接口提交诉求。", code="appeals.api_intake_refused")
    system = getattr(user, "appeal_source_system", None)
    appeal, created = services.appeal_intake(
        actor=user, payload=payload.dict(), idempotency_key=idempotency_key, source_system=system
    )
    return Status(201 if created else 200, appeal)


@router.get("/queue", response=list[AppealOut], summary="本单位待办（按状态）")
@paginate(LimitOffsetPagination)
def queue(request: HttpRequest, state: str = "open"):
    return selectors.appeal_list(request.user, {"state": state}).select_related(
        "duplicate_of", "concerned_enterprise"
    )


@router.get("/{int:appeal_id}", response={200: AppealDetailOut, 404: ErrorOut}, summary="诉求状态")
def status(request: HttpRequest, appeal_id: int):
    return access_appeal(request.user, appeal_id)
