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
    assert conflict.json()["code"] == "appeals.idempotency_key_reused"
    assert Appeal.objects.count() == 1
    appeal = Appeal.objects.get()
    assert (appeal.source, appeal.source_system.code, appeal.external_id) == ("api", "12345", "RX-9")


def test_missing_key_and_bad_input(client, hotline_token):
    missing = post(client, hotline_token, intake(), key=None)
    assert missing.status_code == 422 and missing.json()["code"] == "appeals.idempotency_key_missing"
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
    assert refused.status_code == 403 and refused.json()["code"] == "appeals.api_intake_refused"


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


def test_intake_query_count_is_pinned(client, hotline_token, django_assert_num_queries, committed):
    committed(post, client, hotline_token, intake(), key="warm-up")  # token last-use written once a minute
    # token, source system, settings, enterprise, MinHash band lookup, INSERT appeal, timeline, audit
    # (+ savepoint/transaction statements), then on commit the index: INSERT doc, INSERT bands.
    with django_assert_num_queries(14):
        response = committed(post, client, hotline_token, intake(), key="counted")
    assert response.status_code == 201


def test_retry_of_an_accepted_request_is_answered_even_if_limits_changed(client, hotline_token, office_user):
    from yingshang.core.office_settings import office_setting_change

    body = intake(description="企业反映：" + "厂区周边道路积水严重" * 12)
    first = post(client, hotline_token, body, key="k-limit")
    assert first.status_code == 201
    office_setting_change(actor=office_user, key="appeals.description_max", raw_value="100")
    again = post(client, hotline_token, body, key="k-limit")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = post(client, hotline_token, {**body, "description": "另一件事" * 40}, key="k-limit")
    assert other.status_code == 409
    fresh = post(client, hotline_token, body, key="k-new")
    assert fresh.status_code == 422
    assert Appeal.objects.count() == 1
