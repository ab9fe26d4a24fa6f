from datetime import timedelta

import pytest
from django.utils import timezone

from yingshang.audit import events
from yingshang.audit.models import WitnessIdentity
from yingshang.audit.services import seal_pending
from yingshang.org import roles as r

from .tampering import run_behind_the_application


def later():
    """A moment at which every record written in the test is old enough to seal."""
    return timezone.now() + timedelta(minutes=10)


def seal_all():
    return seal_pending(now=later())


@pytest.fixture
def actor(make_user):
    return make_user(r.OFFICE)


@pytest.fixture
def write_records(actor, witness_started):
    def write(n: int, *, action: str = "ledger.update"):
        return [
            events.record(actor=actor, action=action, object_type="ledger.item", object_id=i, after={"n": i})
            for i in range(n)
        ]

    return write


@pytest.fixture
def witness_started(db):
    """A database whose witness has started already, so the chain holds only what the test writes (the
    start itself, with its audit record, is tested in test_witness.py)."""
    return WitnessIdentity.objects.create(
        installation_id="0" * 32, started_at=timezone.now(), reason=WitnessIdentity.Reason.NEW
    )


@pytest.fixture
def tamper():
    return run_behind_the_application
