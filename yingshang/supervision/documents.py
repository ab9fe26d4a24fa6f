"""The printable supervision notice (督办通知单): an official document in the office's GB/T 9704 layout."""

from __future__ import annotations

from django.utils import timezone

from yingshang.assessment.official_docx import OfficialDocument, render, written_date
from yingshang.core.office_settings import get_setting

from .models import SupervisionOrder


def order_notice(order: SupervisionOrder) -> bytes:
    issued_on = timezone.localtime(order.issued_at).date()
    facts = [
        ("督办编号", order.number),
        ("督办级别", order.get_level_display()),
        ("责任单位", order.department.name),
        ("督办事项", order.target_label),
        ("督办要求", order.requirement),
        ("答复时限", f"{written_date(order.reply_deadline)}前"),
        ("下发时间", written_date(issued_on)),
    ]
    if order.previous is not None:
        facts.append(("原督办单", order.previous.number))
    issuer = str(get_setting("assessment_issuer"))
    return render(
        OfficialDocument(
            issuer_mark=issuer,
            number=order.number,
            title="督办通知单",
            recipients=order.department.name,
            opening=["现将下列事项交你单位办理，请按督办要求抓好落实。"],
            facts=facts,
            closing=[
                "请你单位接到本通知后及时签收，按督办要求抓好落实，并在答复时限内通过营商环境闭环管理平台"
                "书面答复办理情况。逾期未答复的，将按规定催办并纳入营商环境考核。"
            ],
            sections=[],
            issuer=issuer,
            issued_on=issued_on,
        )
    )
