"""Ledger fixtures: a document, a measure and a task with a lead and a cooperating department."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.ledger import services
from yingshang.ledger.models import Category
from yingshang.org import roles as r


def pdf(name="证明材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def ledger(db, make_department, make_user):
    office = make_user(r.OFFICE)
    lead = make_department("示例市牵头局")
    co = make_department("示例市配合局")
    other = make_department("示例市无关局")
    liaison = make_user(r.LIAISON, department=lead)
    head = make_user(r.DEPT_HEAD, department=lead)
    co_liaison = make_user(r.LIAISON, department=co)
    other_liaison = make_user(r.LIAISON, department=other)
    # Seeded by a ledger migration; a flush by an earlier transactional test may have removed it.
    category = Category.objects.get_or_create(code="government", defaults={"name": "政务环境"})[0]
    document = services.policy_document_create(
        actor=office,
        title="示例市优化营商环境若干措施",
        doc_number="示政办发〔2026〕1号",
        issued_on=date(2026, 1, 5),
    )
    measure = services.measure_create(
        actor=office, document=document, title="压缩企业开办时间", serial="1", category=category
    )

    def make_task(**kw):
        params = dict(
            actor=office,
            measure=measure,
            title="企业开办时间压缩至1个工作日",
            lead_departments=[lead],
            co_departments=[co],
            deadline=date(2026, 12, 31),
            start_date=date(2026, 1, 5),
            cycle="quarter",
        )
        params.update(kw)
        return services.task_create(**params)

    return {
        "office": office,
        "lead": lead,
        "co": co,
        "other": other,
        "liaison": liaison,
        "head": head,
        "co_liaison": co_liaison,
        "other_liaison": other_liaison,
        "category": category,
        "document": document,
        "measure": measure,
        "make_task": make_task,
    }
