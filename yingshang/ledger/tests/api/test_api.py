import json
from datetime import date

import pytest
from django.utils import timezone

from yingshang.core.api_auth import token_digest
from yingshang.ledger.models import ProgressReport
from yingshang.org.models import ApiToken


def bearer(user, token="tok-" + "x" * 30):
    ApiToken.objects.create(name="t", user=user, token_hash=token_digest(token), prefix=token[:8])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def two_tasks(ledger):
    mine = ledger["make_task"](
        title="本单位牵头任务", serial="1", start_date=timezone.localdate(), deadline=date(2099, 1, 1)
    )
    other = ledger["make_task"](
        title="他单位任务", serial="2", lead_departments=[ledger["other"]], co_departments=[]
    )
    return mine, other


def test_list_is_scoped_and_filtered(ledger, two_tasks, client):
    mine, other = two_tasks
    headers = bearer(ledger["liaison"])
    body = client.get("/api/ledger/tasks", **headers).json()
    assert body["count"] == 1 and [t["id"] for t in body["results"]] == [mine.pk]
    assert body["results"][0]["leads"] == ["示例市牵头局"] and body["results"][0]["warning"] == "green"
    office = bearer(ledger["office"], token="tok-" + "o" * 30)
    red = client.get("/api/ledger/tasks", {"warning": "red"}, **office).json()
    assert [t["id"] for t in red["results"]] == [other.pk]


def test_detail_out_of_scope_is_404(ledger, two_tasks, client):
    mine, other = two_tasks
    headers = bearer(ledger["liaison"])
    assert client.get(f"/api/ledger/tasks/{other.pk}", **headers).status_code == 404
    body = client.get(f"/api/ledger/tasks/{mine.pk}", **headers).json()
    assert body["title"] == "本单位牵头任务" and body["reports"] == []


def test_submit_report(ledger, two_tasks, client):
    mine, _other = two_tasks
    headers = bearer(ledger["liaison"])
    response = client.post(
        f"/api/ledger/tasks/{mine.pk}/reports",
        data=json.dumps({"text": "已完成方案", "percent": 35, "version": 0}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reports"][0]["status"] == "accepted"
    assert (
        body["state"] == "in_progress"
        and body["percent"] == 35
        and body["reports"][0]["text"] == "已完成方案"
    )


def test_submit_report_refusals_change_nothing(ledger, two_tasks, client):
    mine, other = two_tasks
    co = bearer(ledger["co_liaison"])
    denied = client.post(
        f"/api/ledger/tasks/{mine.pk}/reports",
        data=json.dumps({"text": "x", "percent": 1}),
        content_type="application/json",
        **co,
    )
    assert denied.status_code == 403 and denied.json()["code"] == "ledger.report_not_allowed"
    lead = bearer(ledger["liaison"], token="tok-" + "l" * 30)
    bad = client.post(
        f"/api/ledger/tasks/{mine.pk}/reports",
        data=json.dumps({"text": "x", "percent": 101}),
        content_type="application/json",
        **lead,
    )
    assert bad.status_code == 422 and "percent" in bad.json()["fields"]
    stale = client.post(
        f"/api/ledger/tasks/{mine.pk}/reports",
        data=json.dumps({"text": "x", "percent": 1, "version": 7}),
        content_type="application/json",
        **lead,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_change"
    unscoped = client.post(
        f"/api/ledger/tasks/{other.pk}/reports",
        data=json.dumps({"text": "x", "percent": 1}),
        content_type="application/json",
        **lead,
    )
    assert unscoped.status_code == 404
    assert ProgressReport.objects.count() == 0
