"""Every select that hands work to a unit starts on an empty "请选择" option, and an empty choice is refused."""

import datetime as dt

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from yingshang.assessment.models import BonusItem, EvaluationIndicator
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import Finding, Instruction, SupervisionOrder

pytestmark = pytest.mark.django_db


def _first_option(html: str, name: str, label: str | None = None):
    doc = lxml.html.fromstring(html)
    selects = [
        s for s in doc.xpath(f'//select[@name="{name}"]') if label is None or s.get("aria-label") == label
    ]
    assert selects, f"no select named {name}"
    for select in selects:
        options = select.xpath("./option")
        chosen = [o for o in options if o.get("selected") is not None]
        yield options[0], chosen, select


def _assert_empty_default(html: str, name: str, label: str | None = None) -> None:
    for first, chosen, select in _first_option(html, name, label):
        assert first.get("value") == "" and "请选择" in first.text_content()
        assert chosen == [first]
        assert select.get("required") is not None


@pytest.fixture
def instruction(people, dept):
    return services.instruction_create(
        actor=people[r.LEADER],
        department=dept,
        content="请专题研究",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )


def test_supervision_item_order_and_instruction_selects_have_no_default(people, login, instruction):
    c = login(people[r.OFFICE])
    html = c.get(reverse("supervision:item"), {"target": f"supervision.instruction:{instruction.pk}"}).content
    _assert_empty_default(html.decode(), "department", "责任单位")
    _assert_empty_default(html.decode(), "department", "承办单位")


def test_order_without_a_chosen_unit_is_refused_on_the_page(people, login, instruction):
    c = login(people[r.OFFICE])
    ref = f"supervision.instruction:{instruction.pk}"
    response = c.post(
        reverse("supervision:item"),
        {"target": ref, "what": "order", "requirement": "请报送", "level": "normal", "department": ""},
        follow=True,
    )
    assert "请选择责任单位" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_instruction_form_select_has_no_default_and_refuses_empty(people, login):
    c = login(people[r.LEADER])
    _assert_empty_default(c.get(reverse("supervision:instruction_create")).content.decode(), "department")
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = c.post(
        reverse("supervision:instruction_create"),
        {"content": "请研究", "department": "", "deadline": deadline},
    )
    assert "请选择承办单位" in response.content.decode()
    assert not Instruction.objects.exists()


def test_finding_select_has_no_default_and_refuses_empty(people, login, make_inspection):
    inspection = make_inspection()
    c = login(people[r.INSPECTOR])
    url = reverse("supervision:inspection_detail", args=[inspection.pk])
    _assert_empty_default(c.get(url).content.decode(), "department", "责任单位")
    response = c.post(url, {"what": "finding", "description": "未公示", "department": ""}, follow=True)
    assert "请选择责任单位" in response.content.decode()
    assert not Finding.objects.exists()


def test_assessment_bonus_and_monitoring_selects_have_no_default(people, login, make_department):
    make_department("示例市测试局")
    c = login(people[r.OFFICE])
    _assert_empty_default(c.get(reverse("assessment:bonus_list")).content.decode(), "department")
    _assert_empty_default(c.get(reverse("assessment:monitoring")).content.decode(), "department", "责任单位")
    c.post(
        reverse("assessment:bonus_list"),
        {"department": "", "title": "获表扬", "points": "1", "awarded_on": "2026-11-01"},
    )
    c.post(
        reverse("assessment:monitoring_save"),
        {"first_level": "开办企业", "name": "开办时间", "department": "", "frontier": "1", "worst": "5"},
    )
    assert not BonusItem.objects.exists() and not EvaluationIndicator.objects.exists()
