"""Out-of-range integers in filters and API parameters (found by the fuzzing run) must give a 4xx (in
the {code, message, fields} shape for the API), never a server error. SQLite cannot bind integers beyond
64 bits (OverflowError, or IntegrityError "datatype mismatch") and PostgreSQL refuses them for bigint
columns (DataError).
`core.middleware.RequestGuardMiddleware` refuses them (and NUL characters) with a 400 before any view."""

import pytest
from django.test import Client

from yingshang.org import services as org_services

from .walk import client_for
from .world import build_world

HUGE = 10**25


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/ledger/tasks?document={HUGE}",
        f"/api/ledger/tasks?category=-{HUGE}",
        f"/api/appeals/queue?offset={HUGE}",
        f"/api/appeals/{HUGE}",
        f"/api/ledger/tasks/{HUGE}",
        f"/api/ledger/tasks?page={HUGE}",
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
        ("office", f"/ledger/?document={HUGE}"),
        ("office", f"/ledger/?category={HUGE}"),
        ("office", f"/ledger/?department={HUGE}"),
        ("office", f"/appeals/?department={HUGE}"),
        ("auditor", f"/audit/?page={HUGE}"),
        ("office", f"/appeals/?page={HUGE}"),
        ("office", f"/ledger/?page={HUGE}"),
        ("office", f"/supervision/?page={HUGE}"),
        ("office", "/ledger/?document=abc&deadline_from=2026-13-45"),
    ],
)
def test_list_pages_survive_huge_or_malformed_filters(world, role, path):
    response = client_for(role, world).get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)


# PostgreSQL text cannot hold NUL (0x00): a parameter carrying one is refused before it reaches the database.


def test_api_refuses_nul_in_text_parameters(world):
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="nul")
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/appeals/queue?state=a%00b")
    assert response.status_code < 500


def test_digit_like_text_is_an_ordinary_parameter(world):
    """ "¹" counts as a digit to Python's isdigit but is no integer: it must pass the guard as plain text."""
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="digits")
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/appeals/queue?state=%C2%B9")
    assert response.status_code < 500
