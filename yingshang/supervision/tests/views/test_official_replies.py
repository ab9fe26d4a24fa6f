"""Official answers to supervision need substance on every path, and irreversible steps are confirmed first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yingshang.core.office_settings import office_setting_change
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import Instruction, SupervisionOrder
from yingshang.supervision.tests.conftest import pdf
from yingshang.supervision.tests.test_api import bearer

pytestmark = pytest.mark.django_db

SUBSTANTIVE = "已召开专题会议研究，形成整改方案并抓好落实"


def later(days=20):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def signed_order(people, dept):
    instruction = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请研究解决", deadline=later()
    )
    order = services.order_issue(actor=people[r.OFFICE], target=instruction, requirement="请答复")
    return services.order_transition(actor=people[r.LIAISON], order=order, action="sign")


def _unchanged(order: SupervisionOrder) -> None:
    fresh = SupervisionOrder.objects.get(pk=order.pk)
    assert (fresh.state, fresh.version, fresh.reply, fresh.answered_at) == ("signed", order.version, "", None)


def test_one_word_answer_refused_through_the_page(people, login, signed_order):
    c = login(people[r.LIAISON])
    response = c.post(
        reverse("supervision:order_act", args=[signed_order.pk, "answer"]),
        {"reply": "好", "version": signed_order.version},
        follow=True,
    )
    assert "答复内容至少 15 个字" in response.content.decode()
    _unchanged(signed_order)


def test_one_word_answer_refused_through_the_api(people, signed_order):
    api = bearer(people[r.LIAISON])
    response = api.post(
        f"/api/supervision/orders/{signed_order.pk}/answer",
        {"reply": "好", "version": signed_order.version},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"]["reply"][0].startswith("答复内容至少 15 个字")
    _unchanged(signed_order)


def test_instruction_reply_refused_through_the_api_and_the_minimum_is_an_office_setting(people, dept):
    instruction = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请研究解决", deadline=later()
    )
    api = bearer(people[r.LIAISON])
    url = f"/api/supervision/instructions/{instruction.pk}/reply"
    assert api.post(url, {"reply": "已办理"}, content_type="application/json").status_code == 422
    assert Instruction.objects.get(pk=instruction.pk).state == instruction.state
    office_setting_change(
        actor=people[r.OFFICE], key="supervision_reply_min_chars", raw_value="3", note="试点"
    )
    assert api.post(url, {"reply": "已办理"}, content_type="application/json").json()["state"] == "replied"


def test_finding_close_and_case_publish_are_confirmed_first(people, dept, login, make_inspection):
    finding = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=make_inspection(),
        description="窗口未公示收费标准",
        department=dept,
        rectification_deadline=later(),
    )
    services.finding_transition(
        actor=people[r.LIAISON],
        finding=finding,
        action="report",
        data={"report": SUBSTANTIVE},
        evidence=[pdf()],
    )
    services.finding_transition(actor=people[r.INSPECTOR], finding=finding, action="verify")
    page = login(people[r.INSPECTOR]).get(reverse("supervision:finding_detail", args=[finding.pk]))
    html = page.content.decode()
    assert "销号后该问题整改结束" in html and "此操作提交后不能撤销" in html and "确认销号" in html

    case = services.case_create(
        actor=people[r.DISCIPLINE],
        title="某局窗口推诿扯皮",
        facts="经查属实",
        departments=[dept],
        people=[],
        action="admonishment",
        case_date=timezone.localdate(),
    )
    html = (
        login(people[r.DISCIPLINE]).get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    )
    assert "通报后案例在全市范围内公开" in html and "确认通报" in html
