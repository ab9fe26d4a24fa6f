"""Bulletins (通报): their text, and their document number (发文字号) given once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import TransitionRefused, ValidationFailed
from yingshang.core.office_settings import get_setting
from yingshang.ledger import selectors as ledger_selectors

from .. import workflow as wf
from ..models import AssessmentRun, Bulletin, DocumentSequence
from ..official_docx import document_number
from .common import require_office


def ensure_not_draft(run: AssessmentRun) -> None:
    if run.state == wf.DRAFT:
        raise TransitionRefused(
            "考核结果冻结后才能编写和生成通报。", code="assessment.bulletin_before_freeze"
        )


@transaction.atomic
def bulletin_save(*, actor: Any, run: AssessmentRun, title: str, sections: Mapping[str, str]) -> Bulletin:
    require_office(actor)
    ensure_not_draft(run)
    from ..bulletin import SECTION_KEYS

    bulletin, _ = Bulletin.objects.get_or_create(run=run, defaults={"title": title.strip()[:200] or "通报"})
    before = {"title": bulletin.title, "sections": bulletin.sections}
    if not title.strip():
        raise ValidationFailed(
            "请填写通报标题。", code="assessment.bulletin_title_missing", fields={"title": ["请填写标题。"]}
        )
    bulletin.title = title.strip()[:200]
    bulletin.sections = {k: str(sections.get(k, "")).strip() for k in SECTION_KEYS}
    bulletin.updated_by = actor
    bulletin.save(update_fields=["title", "sections", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="bulletin.save", obj=bulletin, before=before, after={"title": bulletin.title}
    )
    return bulletin


def _number_taken(number: str) -> bool:
    return Bulletin.objects.filter(number=number).exists() or ledger_selectors.document_number_used(number)


@transaction.atomic
def bulletin_number(*, actor: Any, bulletin: Bulletin, on: date | None = None) -> Bulletin:
    """Give the bulletin its 发文字号 once: the year's next serial not already carried by another document of
    the office (a bulletin, or a policy document recorded in the ledger), taken under a row lock."""
    if bulletin.serial:
        return bulletin
    on = on or timezone.localdate()
    DocumentSequence.objects.get_or_create(year=on.year)
    seq = DocumentSequence.objects.select_for_update().get(year=on.year)
    prefix = str(get_setting("assessment_doc_prefix"))
    seq.last += 1
    while _number_taken(document_number(prefix, on.year, seq.last)):
        seq.last += 1
    seq.save(update_fields=["last"])
    bulletin.year, bulletin.serial, bulletin.issued_on = on.year, seq.last, on
    bulletin.number = document_number(prefix, on.year, seq.last)
    bulletin.save(update_fields=["year", "serial", "issued_on", "number"])
    audit_record(actor=actor, action="bulletin.number", obj=bulletin, after={"number": bulletin.number})
    return bulletin
