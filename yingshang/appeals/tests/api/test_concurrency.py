"""Idempotent intake and dispatch under real concurrency (threads with their own connections). Runs on
PostgreSQL; SQLite serialises writers anyway and its in-memory test database is not shared by threads."""

import threading

import pytest
from django.db import connection, connections

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, Dispatch, SourceSystem
from yingshang.appeals.tests.conftest import intake
from yingshang.core.errors import ApplicationError, ConcurrentChange
from yingshang.org import roles as r

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database"),
]


def run_together(n, fn):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_same_key_at_once_makes_one_appeal(make_user):
    account = make_user()
    system = SourceSystem.objects.create(code="12345", name="热线", account=account)
    payload = intake()
    results = run_together(
        6,
        lambda i: services.appeal_intake(
            actor=account, payload=payload, idempotency_key="same", source_system=system
        ),
    )
    assert all(isinstance(res, tuple) for res in results), results
    assert len({res[0].pk for res in results}) == 1
    assert sum(1 for res in results if res[1]) == 1
    assert Appeal.objects.count() == 1


def test_two_office_users_dispatch_at_once(make_user, make_department):
    appeal = services.appeal_submit(actor=None, data=intake())
    users = [make_user(r.OFFICE), make_user(r.OFFICE)]
    departments = [make_department(), make_department()]

    def dispatch(i):
        stale = Appeal.objects.get(pk=appeal.pk)
        return services.appeal_dispatch(
            actor=users[i], appeal=stale, main_department=departments[i], seen_version=0
        )

    results = run_together(2, dispatch)
    winners = [res for res in results if isinstance(res, Appeal)]
    losers = [res for res in results if isinstance(res, ApplicationError)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], ConcurrentChange)
    assert Dispatch.objects.filter(appeal=appeal).count() == 1
