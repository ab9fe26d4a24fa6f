"""API errors always come as {code, message, fields}."""

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
