import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.supervision import services

pytestmark = pytest.mark.django_db


def bearer(user):
    _, token = org_services.api_token_create(actor=None, user=user, name="部门系统")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def orders(people, dept, make_department):
    other = make_department()
    later = timezone.localdate() + dt.timedelta(days=20)
    mine = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请办理", deadline=later
    )
    theirs = services.instruction_create(
        actor=people[r.LEADER], department=other, content="别家", deadline=later
    )
    return (
        services.order_issue(actor=people[r.OFFICE], target=mine, requirement="请答复", reply_deadline=later),
        services.order_issue(
            actor=people[r.OFFICE], target=theirs, requirement="请答复", reply_deadline=later
        ),
    )


def test_department_system_lists_and_answers_its_orders(people, orders):
    mine, theirs = orders
    api = bearer(people[r.LIAISON])
    listed = api.get("/api/supervision/orders").json()
    assert [o["number"] for o in listed] == [mine.number]
    assert api.get(f"/api/supervision/orders/{theirs.pk}").status_code == 404
    signed = api.post(
        f"/api/supervision/orders/{mine.pk}/sign", {"version": 0}, content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    missing = api.post(f"/api/supervision/orders/{mine.pk}/answer", {}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["fields"] == {"reply": ["请填写答复内容。"]}
    stale = api.post(
        f"/api/supervision/orders/{mine.pk}/answer",
        {"reply": "已召开专题会议研究，形成整改方案并抓好落实", "version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_change"
    answered = api.post(
        f"/api/supervision/orders/{mine.pk}/answer",
        {"reply": "已召开专题会议研究，形成整改方案并抓好落实", "version": 1},
        content_type="application/json",
    )
    assert answered.json()["state"] == "answered"
    refused = api.post(f"/api/supervision/orders/{mine.pk}/conclude", {}, content_type="application/json")
    assert refused.status_code == 403
    assert (
        api.post(f"/api/supervision/orders/{theirs.pk}/sign", {}, content_type="application/json").status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.state == "issued"


def test_instructions_and_findings_lists(people, orders):
    api = bearer(people[r.LIAISON])
    instructions = api.get("/api/supervision/instructions").json()
    assert [i["content"] for i in instructions] == ["请办理"]
    replied = api.post(
        f"/api/supervision/instructions/{instructions[0]['id']}/reply",
        {"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
        content_type="application/json",
    )
    assert replied.json()["state"] == "replied"
    assert api.get("/api/supervision/findings").json() == []
    assert bearer(people[r.ENTERPRISE]).get("/api/supervision/orders").status_code == 403
    assert Client().get("/api/supervision/orders").status_code == 401
