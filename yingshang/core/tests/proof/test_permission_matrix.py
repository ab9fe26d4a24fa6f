"""Walks the permission matrix (matrix.py) for every role: each URL name with GET and an empty POST.
Also: no URL or API operation is missing from the table, and the empty POSTs change nothing."""

import pytest
from django.urls import resolve

from yingshang.appeals.models import Appeal
from yingshang.ledger.models import Task

from .matrix import ROLES, TABLE, expected
from .walk import all_url_names, client_for, outcome, url_for
from .world import build_world


def test_every_url_is_in_the_table():
    names = all_url_names()
    assert sorted(names - set(TABLE)) == [], "URL names missing from matrix.TABLE"
    assert sorted(set(TABLE) - names) == [], "rows in matrix.TABLE for URL names that no longer exist"


def test_every_api_operation_is_in_the_table(client):
    schema = client.get("/api/openapi.json").json()
    seen = []
    for path, operations in schema["paths"].items():
        concrete = path.replace("{", "").replace("}", "")  # any value resolves: converters are str/int
        concrete = "/".join("1" if part.endswith("_id") else part for part in concrete.split("/"))
        name = f"api:{resolve(concrete).url_name}"
        for method in operations:
            assert method.upper() in {"GET", "POST"}, f"{method} {path}: add a column for this method"
            row = expected(name, method.upper())
            assert row, f"{method} {path} ({name}) has no {method.upper()} row"
            assert set(row.values()) != {"405"}, f"{method} {path} ({name}) is in the table as 405"
            seen.append(name)
    assert len(seen) >= 10


SIGN_WITH_EMPTY_FORM = {"liaison", "dept_head"}


def _fingerprint(world):
    appeal = Appeal.objects.get(pk=world.objects["appeal"].pk)
    task = Task.objects.get(pk=world.objects["task"].pk)
    return (appeal.state, appeal.version, task.state, task.version)


@pytest.mark.parametrize("role", ROLES)
def test_matrix(db, role):
    world = build_world()
    client = client_for(role, world)
    before = _fingerprint(world)
    wrong = []
    for name in sorted(TABLE):
        url = url_for(name, world)
        for method in ("GET", "POST"):
            want = expected(name, method).get(role)
            if want is None:
                continue
            if method == "GET":
                response = client.get(url)
            elif name.startswith("api:"):
                response = client.post(url, data="{}", content_type="application/json")
            else:
                response = client.post(url, {})
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {name} ({url}): expected {want}, got {got}")
    assert wrong == []
    if role not in SIGN_WITH_EMPTY_FORM:
        assert _fingerprint(world) == before, "an empty POST changed the appeal or the task"
    else:  # signing takes no fields: department A's own people sign the appeal, nothing else moves
        assert _fingerprint(world) == ("signed", before[1] + 1, *before[2:])


def test_department_reaching_for_another_departments_records_gets_404(db):
    world = build_world()
    task, appeal = world.objects["task"], world.objects["appeal"]
    outsider = client_for("liaison_b", world)
    insider = client_for("liaison", world)
    for url in (f"/ledger/tasks/{task.pk}/", f"/appeals/{appeal.pk}/", f"/api/ledger/tasks/{task.pk}"):
        assert insider.get(url).status_code == 200, url
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert task.title.encode() not in response.content and appeal.title.encode() not in response.content
    response = outsider.get(f"/api/appeals/{appeal.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "记录不存在或无权查看。", "fields": {}}
    # acting on it is refused the same way, and nothing changes
    assert outsider.post(f"/appeals/{appeal.pk}/sign/", {}).status_code == 404
    assert Appeal.objects.get(pk=appeal.pk).version == appeal.version


def test_enterprise_reaching_for_another_enterprises_appeal_gets_404(db):
    world = build_world()
    appeal = world.objects["appeal"]
    own, other = client_for("enterprise", world), client_for("enterprise_b", world)
    assert own.get(f"/appeals/{appeal.pk}/").status_code == 200
    assert own.get(f"/api/appeals/{appeal.pk}").status_code == 200
    response = other.get(f"/appeals/{appeal.pk}/")
    assert response.status_code == 404
    assert appeal.title.encode() not in response.content
    response = other.get(f"/api/appeals/{appeal.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    listing = other.get("/appeals/")
    assert listing.status_code == 200 and appeal.title.encode() not in listing.content
