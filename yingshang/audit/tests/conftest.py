from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from yingshang.audit import events
from yingshang.audit.services import seal_pending
from yingshang.org import roles as r


def later():
    """A moment at which every record written in the test is old enough to seal."""
    return timezone.now() + timedelta(minutes=10)


def seal_all():
    return seal_pending(now=later())


@pytest.fixture
def actor(make_user):
    return make_user(r.OFFICE)


@pytest.fixture
def write_records(actor):
    def write(n: int, *, action: str = "ledger.update"):
        return [
            events.record(actor=actor, action=action, object_type="ledger.item", object_id=i, after={"n": i})
            for i in range(n)
        ]

    return write


@pytest.fixture
def tamper():
    """Run SQL behind the application's back. On PostgreSQL the append-only trigger is switched off for
    this statement only (session_replication_role), as an intruder with superuser rights would."""

    def run(sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params or [])
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    return run
