"""Out-of-range integers in filters and API parameters (found by the fuzzing run) must give a 4xx (in
the {code, message, fields} shape for the API), never a server error. SQLite cannot bind integers beyond
64 bits (OverflowError, or IntegrityError "datatype mismatch") and PostgreSQL refuses them for bigint
columns (DataError).

KNOWN BUG (reported to the lead): the list filters parse ids with plain int() and ninja's `int` query
fields and LimitOffsetPagination's `offset` are unbounded. While it stands these cases are strict xfails;
when it is fixed they pass, the strict xfail fails, and KNOWN_OVERFLOW_BUG goes to False here and in the
fuzz test."""

import pytest
from django.db import connection
from django.test import Client

from yingshang.org import services as org_services

from .walk import client_for
from .world import build_world

KNOWN_OVERFLOW_BUG = True
HUGE = 10**25
overflow_bug = pytest.mark.xfail(KNOWN_OVERFLOW_BUG, strict=True, reason="unbounded integer parameters")
# Ids compared against a bigint column: PostgreSQL answers "no rows", SQLite cannot bind the value.
overflow_bug_sqlite = pytest.mark.xfail(
    KNOWN_OVERFLOW_BUG and connection.vendor == "sqlite", strict=True, reason="unbounded integer ids (SQLite)"
)


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/api/ledger/tasks?document={HUGE}", marks=overflow_bug_sqlite),
        pytest.param(f"/api/ledger/tasks?category=-{HUGE}", marks=overflow_bug_sqlite),
        pytest.param(f"/api/appeals/queue?offset={HUGE}", marks=overflow_bug),
        f"/api/appeals/{HUGE}",
        f"/api/ledger/tasks/{HUGE}",
        pytest.param(f"/api/ledger/tasks?page={HUGE}", marks=overflow_bug),
    ],
)
def test_api_refuses_huge_integers_in_the_error_shape(world, path):
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="bounds")
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(path)
    assert 400 <= response.status_code < 500 or response.status_code == 200, (path, response.status_code)
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("role", "path"),
    [
        pytest.param("office", f"/ledger/?document={HUGE}", marks=overflow_bug_sqlite),
        pytest.param("office", f"/ledger/?category={HUGE}", marks=overflow_bug_sqlite),
        pytest.param("office", f"/ledger/?department={HUGE}", marks=overflow_bug_sqlite),
        pytest.param("office", f"/appeals/?department={HUGE}", marks=overflow_bug_sqlite),
        pytest.param("auditor", f"/audit/?page={HUGE}", marks=overflow_bug),
        ("office", f"/appeals/?page={HUGE}"),
        ("office", f"/ledger/?page={HUGE}"),
        ("office", f"/supervision/?page={HUGE}"),
        ("office", "/ledger/?document=abc&deadline_from=2026-13-45"),
    ],
)
def test_list_pages_survive_huge_or_malformed_filters(world, role, path):
    response = client_for(role, world).get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)


# KNOWN BUG (PostgreSQL only, reported to the lead): PostgreSQL text cannot hold NUL (0x00); a query
# parameter carrying one reaches the database and the answer is a 500. Found by the fuzzing run.
KNOWN_NUL_BUG = True
nul_bug = pytest.mark.xfail(
    KNOWN_NUL_BUG and connection.vendor == "postgresql",
    strict=True,
    reason="NUL in text parameters (PostgreSQL)",
)


@nul_bug
def test_api_refuses_nul_in_text_parameters(world):
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="nul")
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/appeals/queue?state=a%00b")
    assert response.status_code < 500
