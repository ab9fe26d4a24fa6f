import json

import pytest

from yingshang.appeals.models import Appeal, SourceSystem
from yingshang.appeals.tests.conftest import intake
from yingshang.org import roles as r
from yingshang.org import services as org_services


@pytest.fixture
def hotline_token(make_user):
    account = make_user()
    SourceSystem.objects.create(code="12345", name="市12345热线", account=account)
    _, token = org_services.api_token_create(actor=None, user=account, name="热线")
    return token


def post(client, token, body, key="k-1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/appeals/", data=json.dumps(body), content_type="application/json", **headers)


def test_intake_is_idempotent(client, hotline_token):
    body = {**intake(), "external_id": "RX-9"}
    first = post(client, hotline_token, body)
    assert first.status_code == 201
    again = post(client, hotline_token, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["contact_phone_masked"] == "139****5678"
    conflict = post(client, hotline_token, {**body, "description": "另一件事"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"
    assert Appeal.objects.count() == 1
    appeal = Appeal.objects.get()
    assert (appeal.source, appeal.source_system.code, appeal.external_id) == ("api", "12345", "RX-9")


def test_missing_key_and_bad_input(client, hotline_token):
    missing = post(client, hotline_token, intake(), key=None)
    assert missing.status_code == 422 and missing.json()["code"] == "idempotency_key_missing"
    bad = post(client, hotline_token, intake(credit_code="91370100MA3C8XYR29"), key="k-2")
    assert bad.status_code == 422
    assert set(bad.json()) == {"code", "message", "fields"} and "credit_code" in bad.json()["fields"]
    incomplete = post(client, hotline_token, {"title": "x"}, key="k-3")
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "invalid"
    assert Appeal.objects.count() == 0


def test_token_required_and_role_checked(client, make_user):
    assert client.post("/api/appeals/", data="{}", content_type="application/json").status_code == 401
    _, token = org_services.api_token_create(actor=None, user=make_user(r.LIAISON), name="x")
    refused = post(client, token, intake())
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_status_scoped_and_queue(client, walk, liaison, other_liaison, hotline_token):
    ours = walk("dispatched")
    _, token = org_services.api_token_create(actor=None, user=liaison, name="部门")
    _, other = org_services.api_token_create(actor=None, user=other_liaison, name="他部门")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    status = client.get(f"/api/appeals/{ours.pk}", **auth)
    assert status.status_code == 200 and status.json()["state"] == "dispatched"
    hidden = client.get(f"/api/appeals/{ours.pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert (
        client.get(f"/api/appeals/{ours.pk}", HTTP_AUTHORIZATION=f"Bearer {hotline_token}").status_code == 404
    )
    queue = client.get("/api/appeals/queue?state=dispatched", **auth).json()
    assert [item["id"] for item in queue["items"]] == [ours.pk] and queue["count"] == 1
    assert client.get("/api/appeals/queue", HTTP_AUTHORIZATION=f"Bearer {other}").json()["count"] == 0


def test_openapi_lists_the_endpoints(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/appeals/" in schema["paths"] and "/api/appeals/queue" in schema["paths"]
