"""The category dictionary, policy documents and their measures, and the document's 落实情况 report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from django.db import transaction

from yingshang.assessment.official_docx import written_date
from yingshang.audit.events import record as audit_record
from yingshang.core import bulk
from yingshang.core.errors import ValidationFailed
from yingshang.core.exports import exporter_line
from yingshang.core.uploads import attachment_add, check_upload

from .. import selectors
from ..models import Category, Measure, PolicyDocument
from ._common import audit_batch, full_clean, require_office, row_refused


@transaction.atomic
def category_create(*, actor: Any, code: str, name: str, sort_order: int | None = 0) -> Category:
    """A new category; `sort_order=None` puts it last."""
    require_office(actor)
    if sort_order is None:
        sort_order = Category.objects.count() + 1
    category = Category(code=code.strip(), name=name.strip(), sort_order=sort_order)
    full_clean(category)
    category.save()
    audit_record(actor=actor, action="category.create", obj=category, after={"code": code, "name": name})
    return category


@transaction.atomic
def category_update(*, actor: Any, category: Category, **fields: Any) -> Category:
    require_office(actor)
    allowed = {"name", "sort_order", "is_active"}
    if set(fields) - allowed:
        raise ValidationFailed("不能修改该字段。", code="ledger.category_field_locked")
    before = {k: getattr(category, k) for k in fields}
    for key, value in fields.items():
        setattr(category, key, value.strip() if isinstance(value, str) else value)
    full_clean(category)
    category.save(update_fields=list(fields))
    audit_record(actor=actor, action="category.update", obj=category, before=before, after=fields)
    return category


@transaction.atomic
def policy_document_create(
    *,
    actor: Any,
    title: str,
    doc_number: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    source_file_name: str = "",
    source_file: Any = None,
) -> PolicyDocument:
    require_office(actor)
    if source_file is not None:
        check_upload(source_file, allowed={".xlsx", ".xls", ".docx", ".pdf", ".doc", ".ofd"})
    document = PolicyDocument(
        title=title.strip(),
        doc_number=doc_number.strip(),
        issuer=issuer.strip(),
        issued_on=issued_on,
        source_file_name=(source_file_name or getattr(source_file, "name", "") or "")[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    full_clean(document, exclude=["created_by"])
    document.save()
    if source_file is not None:
        attachment_add(actor=actor, obj=document, uploaded=source_file, purpose="source")
    audit_record(
        actor=actor,
        action="policy_document.create",
        obj=document,
        after={"title": document.title, "doc_number": document.doc_number},
    )
    return document


def _build_measure(
    *,
    document: PolicyDocument,
    title: str,
    serial: str = "",
    category: Category | None = None,
    sort_order: int = 0,
) -> Measure:
    """The one rule for a new measure, shared by `measure_create` and `measure_create_many`. Unsaved."""
    measure = Measure(
        document=document,
        title=title.strip(),
        serial=str(serial).strip(),
        category_id=category.pk if category is not None else None,
        sort_order=sort_order,
    )
    full_clean(measure, exclude=["document", "category"], fields_only=True)
    return measure


@transaction.atomic
def measure_create(
    *,
    actor: Any,
    document: PolicyDocument,
    title: str,
    serial: str = "",
    category: Category | None = None,
    sort_order: int | None = 0,
) -> Measure:
    """A new measure; `sort_order=None` puts it last in the document."""
    require_office(actor)
    if sort_order is None:
        sort_order = document.measures.count() + 1
    measure = _build_measure(
        document=document, title=title, serial=serial, category=category, sort_order=sort_order
    )
    measure.save()
    audit_record(actor=actor, action="measure.create", obj=measure, after={"serial": measure.serial})
    return measure


@transaction.atomic
def measure_create_many(
    *, actor: Any, rows: Sequence[dict[str, Any]], labels: Sequence[str] | None = None
) -> list[Measure]:
    """Many measures at once (the import): `measure_create`'s keywords per row, one audit record."""
    require_office(actor)
    measures = []
    for i, row in enumerate(rows):
        try:
            measures.append(_build_measure(**row))
        except ValidationFailed as exc:
            where = labels[i] if labels is not None else f"第{i + 1}条"
            names = {f.name: f"措施{f.verbose_name}" for f in Measure._meta.fields}
            raise row_refused(exc, where, names) from exc
    bulk.insert_returning_ids(measures)
    ids = [m.pk for m in measures]
    audit_batch(
        actor=actor,
        action="measure.create_many",
        object_type="ledger.measure",
        ids=ids,
        after={"count": len(ids)},
    )
    return measures


def implementation_report_title(document: PolicyDocument, on: date) -> str:
    return f"《{document.title}》落实情况（截至{written_date(on)}）"


def implementation_report_docx(*, actor: Any, document: PolicyDocument, on: date, rows: list) -> bytes:
    """The 落实情况 report as a plain Word draft (the official format, GB/T 9704, is the assessment's
    bulletin), audited as an export."""
    from docx import Document

    title = implementation_report_title(document, on)
    total = rows[-1]
    doc = Document()
    doc.add_heading(title, level=1)
    number = f"（{document.doc_number}）" if document.doc_number else ""
    doc.add_paragraph(
        f"截至{written_date(on)}，《{document.title}》{number}"
        f"共明确任务 {total[2]} 项（按牵头单位计），已销号 {total[3]} 项，正常推进 {total[4]} 项，"
        f"黄色预警 {total[5]} 项，红色预警 {total[6]} 项，未按时反馈 {total[7]} 项。各单位落实情况如下："
    )
    table = doc.add_table(rows=1, cols=len(selectors.REPORT_HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, selectors.REPORT_HEADERS, strict=True):
        cell.text = header
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    reds = [r for r in rows[:-1] if r[6]]
    if reds:
        doc.add_paragraph("存在红色预警任务的单位：" + "、".join(f"{r[1]}（{r[6]}项）" for r in reds) + "。")
    doc.add_paragraph(exporter_line(actor))
    doc.core_properties.author = actor.get_username()
    doc.core_properties.title = title
    buffer = BytesIO()
    doc.save(buffer)
    audit_record(
        actor=actor,
        action="ledger.implementation_report_export",
        obj=document,
        after={"date": str(on), "format": "docx", "rows": len(rows) - 1},
        detail=title,
    )
    return buffer.getvalue()
