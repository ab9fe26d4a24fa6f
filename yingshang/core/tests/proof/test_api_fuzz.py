"""API fuzzing: Schemathesis generates requests from the OpenAPI schema (valid and invalid ones) and sends
them through the WSGI application with an office account's token. No 5xx; every 4xx is
{code, message, fields}. At least 1,000 generated cases per run, within a bounded time."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from config.wsgi import application
from yingshang.org import services as org_services

from .world import build_world

EXAMPLES_PER_OPERATION_AND_MODE = 60
MIN_CASES = 1000
DEADLINE_SECONDS = 240  # the run stops generating after this, and the count must still be reached


@pytest.fixture
def api_schema(db):
    # Requests go straight into the WSGI application, not through Django's test client, so keep the
    # end-of-request handler from closing the test's connection (in its transaction) as the client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _check(case, response, problems):
    status = response.status_code
    label = f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r} -> {status}"
    if status >= 500:
        problems.append(f"{label}: server error {response.text[:200]}")
    elif status >= 400:
        try:
            body = response.json()
        except ValueError:
            problems.append(f"{label}: 4xx without JSON body: {response.text[:200]}")
            return
        if set(body) != {"code", "message", "fields"} or not isinstance(body["fields"], dict):
            problems.append(f"{label}: 4xx not in {{code, message, fields}}: {body}")
        elif not body["message"] or not isinstance(body["code"], str):
            problems.append(f"{label}: empty code/message: {body}")


@pytest.mark.slow
def test_generated_requests_get_no_5xx_and_well_shaped_4xx(api_schema):
    world = build_world()
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    problems: list[str] = []
    counted = {"cases": 0}
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(
                max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case):
                if time.monotonic() - started > DEADLINE_SECONDS:
                    return
                # each case in its own savepoint, as each real request is its own transaction: on PostgreSQL a
                # failed statement would otherwise poison the test's transaction for every later case
                savepoint = transaction.savepoint()
                try:
                    response = case.call(headers=headers)
                finally:
                    transaction.savepoint_rollback(savepoint)
                counted["cases"] += 1
                _check(case, response, problems)

            run()
    assert problems[:20] == []
    print(f"schemathesis: {counted['cases']} cases in {time.monotonic() - started:.0f}s")
    assert counted["cases"] >= MIN_CASES, f"only {counted['cases']} cases in {DEADLINE_SECONDS}s"


def test_unauthenticated_calls_are_401_in_the_error_shape(client):
    for path in ("/api/ledger/tasks", "/api/appeals/queue"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {"code": "unauthorized", "message": "缺少有效的接口令牌。", "fields": {}}
