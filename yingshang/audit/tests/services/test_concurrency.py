"""Sealers and writers at the same time, on real connections (PostgreSQL: the SQLite test database lives
in memory and cannot be shared between threads; `manage.py bench --only audit` runs writers and a
sealer side by side on an SQLite file)."""

import threading
import time
from contextlib import contextmanager
from itertools import pairwise

import pytest
from django.db import connection
from django.utils import timezone

from yingshang.audit import chain, services
from yingshang.audit.models import AuditRecord, AuditSeal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared between threads"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_threads(*targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_racing_sealers_without_the_lock_still_build_one_chain(monkeypatch, witness_started):
    """Even with the one-sealer lock switched off, the constraints and the tip check keep one chain."""

    @contextmanager
    def no_lock():
        yield True

    monkeypatch.setattr(services, "_sealer_lock", no_lock)
    stop = threading.Event()

    def writer():
        for _ in range(40):
            AuditRecord.objects.create(at=timezone.now(), action="ledger.update")

    def sealer():
        try:
            while not stop.is_set():
                # No delay at all: only the hole rule keeps a record whose transaction is still
                # open (lower id, commits later) from being left behind the frontier.
                services.seal_pending(delay_seconds=0, batch_size=7)
                time.sleep(0.002)
        finally:
            connection.close()

    sealers = [threading.Thread(target=sealer) for _ in range(3)]
    for s in sealers:
        s.start()
    try:
        run_threads(writer, writer, writer)
    finally:
        stop.set()
        for s in sealers:
            s.join()
    # Every writer has committed: the remaining holes are final.
    services.seal_pending(delay_seconds=0, gap_grace_seconds=0)

    seals = list(AuditSeal.objects.order_by("seq").values_list("seq", "record_id", "prev_hash", "hash"))
    assert len(seals) == AuditRecord.objects.count() == 120
    assert [s[0] for s in seals] == list(range(1, 121))
    assert all(a[3] == b[2] and a[1] < b[1] for a, b in pairwise(seals))
    assert chain.verify_chain().ok


def test_a_second_sealer_steps_aside_while_one_works(witness_started):
    AuditRecord.objects.create(at=timezone.now(), action="ledger.update")
    holding = threading.Event()
    release = threading.Event()
    outcome = []

    def first():
        with services._sealer_lock() as acquired:
            assert acquired
            holding.set()
            release.wait(10)

    def second():
        holding.wait(10)
        outcome.append(services.seal_pending(delay_seconds=0))
        release.set()

    run_threads(first, second)
    assert outcome == [services.SealOutcome(0, busy=True)]
    assert AuditSeal.objects.count() == 0
    assert services.seal_pending(delay_seconds=0) == services.SealOutcome(1)
