"""The 督办通知单 is an A4 official document in the office's GB/T 9704 layout, dates written without zeros."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from yingshang.org import roles as r
from yingshang.supervision import services

pytestmark = pytest.mark.django_db


def test_notice_is_a4_with_letterhead_and_dates_without_leading_zeros(people, dept, login):
    with freeze_time("2026-12-03 10:00:00"):
        instruction = services.instruction_create(
            actor=people[r.LEADER], department=dept, content="请研究解决", deadline=dt.date(2027, 1, 8)
        )
        order = services.order_issue(
            actor=people[r.OFFICE],
            target=instruction,
            requirement="请答复",
            reply_deadline=dt.date(2027, 1, 5),
        )
    # Fetched on the real clock: the dates come from the stored order.
    response = login(people[r.LIAISON]).get(reverse("supervision:order_notice", args=[order.pk]))
    doc = Document(BytesIO(response.content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert texts[0] == "示例市优化营商环境工作办公室" and order.number in texts
    assert "2026年12月3日" in texts and "2027年1月5日前" in cells and "2026年12月3日" in cells
    assert not any("月0" in t or "年0" in t for t in texts + cells)
