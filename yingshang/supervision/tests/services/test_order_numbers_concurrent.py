import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import SupervisionOrder


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_orders_get_distinct_consecutive_numbers(people, dept):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers by design)")
    instruction = services.instruction_create(
        actor=people[r.LEADER],
        department=dept,
        content="请办理",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            barrier.wait()
            services.order_issue(
                actor=people[r.OFFICE],
                target=instruction,
                requirement="并发督办",
                reply_deadline=timezone.localdate() + dt.timedelta(days=5),
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(SupervisionOrder.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
