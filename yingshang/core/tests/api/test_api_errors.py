"""API errors always come as {code, message, fields}."""

import json

import pytest

from yingshang.org import roles as r


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "营商环境闭环管理平台 API" and schema["openapi"].startswith("3.")


def _protected_get_paths(client):
    schema = client.get("/api/openapi.json").json()
    return [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and operations["get"].get("security") and "{" not in path
    ]


def test_401_shape_without_token(client, db):
    paths = _protected_get_paths(client)
    if not paths:
        pytest.skip("no app router with a parameterless GET yet")
    for path in paths:
        response = client.get(path, headers={"Authorization": "Bearer wrong-token"})
        assert response.status_code == 401, path
        assert response.json() == {"code": "unauthorized", "message": "缺少有效的接口令牌。", "fields": {}}


def test_404_shape_under_api(client, login, make_user):
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "记录不存在或无权查看。", "fields": {}}
    login(make_user(r.LIAISON))
    assert client.get("/api/no-such-endpoint/").json()["code"] == "not_found"


def test_422_fields_are_told_in_chinese(client, make_user):
    from yingshang.appeals.models import Appeal
    from yingshang.org import services as org_services

    _, token = org_services.api_token_create(actor=None, user=make_user(r.OFFICE), name="测试")
    body = {"enterprise_name": "甲公司", "credit_code": 12, "urgent": "也许", "category": "help"}
    response = client.post(
        "/api/appeals/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="k-422",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {
        "credit_code": ["应为文本。"],
        "contact_name": ["必填项，请填写。"],
        "contact_phone": ["必填项，请填写。"],
        "urgent": ["应为 true 或 false。"],
        "description": ["必填项，请填写。"],
    }
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing", "loc": ("body", "x"), "msg": "Field required"}, "必填项，请填写。"),
        ({"type": "string_too_long", "ctx": {"max_length": 200}}, "最多 200 个字符。"),
        ({"type": "greater_than_equal", "ctx": {"ge": 0}}, "应不小于 0。"),
        (
            {"type": "literal_error", "ctx": {"expected": "'help' or 'complaint'"}},
            "应为以下之一：help、complaint。",
        ),
        (
            {"type": "value_error", "ctx": {"error": ValueError("进度应在 0 到 100 之间")}},
            "进度应在 0 到 100 之间",
        ),
        ({"type": "a_type_pydantic_adds_later", "msg": "Something in English"}, "格式不正确。"),
        ({"type": "string_too_long", "ctx": {}}, "格式不正确。"),
    ],
)
def test_each_validation_error_is_retold(error, message):
    from yingshang.core.api_messages import validation_message

    assert validation_message(error) == message
