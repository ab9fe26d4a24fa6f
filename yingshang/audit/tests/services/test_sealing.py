from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit import chain, services
from yingshang.audit.models import AuditRecord, AuditSeal

from ..conftest import later, seal_all


def test_sealing_chains_records_in_id_order_without_touching_them(write_records):
    write_records(5)
    before = list(AuditRecord.objects.order_by("id").values(*chain.FIELDS))
    assert len(before) == 6  # creating the actor was audited too

    outcome = seal_all()

    assert outcome == services.SealOutcome(6)
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.record_id for s in seals] == [r["id"] for r in before]
    assert [s.seq for s in seals] == [1, 2, 3, 4, 5, 6]
    assert seals[0].prev_hash == chain.GENESIS
    for previous, seal in pairwise(seals):
        assert seal.prev_hash == previous.hash
    assert {s.algorithm for s in seals} == {"sm3"}
    assert seals[0].hash == chain.link("sm3", chain.GENESIS, before[0])
    assert list(AuditRecord.objects.order_by("id").values(*chain.FIELDS)) == before
    # Nothing left: a second run seals nothing.
    assert seal_all() == services.SealOutcome(0)


def test_records_younger_than_the_delay_wait(write_records):
    write_records(3)
    assert services.seal_pending().sealed == 0  # just written: younger than 5 seconds
    assert services.seal_pending(delay_seconds=0).sealed == 4


def test_sealing_stops_at_the_first_young_record(db):
    minute_ago = timezone.now() - timedelta(minutes=1)
    old = [AuditRecord.objects.create(at=minute_ago, action="ledger.update") for _ in range(2)]
    young = AuditRecord.objects.create(at=timezone.now(), action="ledger.update")
    old_after_young = AuditRecord.objects.create(at=minute_ago, action="ledger.update")

    assert services.seal_pending().sealed == 2
    assert list(AuditSeal.objects.values_list("record_id", flat=True)) == [r.pk for r in old]
    assert not AuditSeal.objects.filter(record_id__in=[young.pk, old_after_young.pk]).exists()


def test_a_hole_in_the_ids_holds_sealing_back_until_the_grace_period(witness_started):
    first = AuditRecord.objects.create(at=timezone.now(), action="ledger.update")
    # A transaction still open holds id first+1; the next committed record has first+2.
    AuditRecord.objects.create(id=first.pk + 2, at=timezone.now(), action="ledger.update")
    now = timezone.now() + timedelta(seconds=30)

    assert services.seal_pending(now=now).sealed == 1  # first only: first+2 is behind a young hole
    assert services.seal_pending(now=now + timedelta(seconds=60)).sealed == 1
    assert list(AuditSeal.objects.values_list("record_id", flat=True)) == [first.pk, first.pk + 2]


def test_batches_and_limit(write_records):
    write_records(6)  # and the actor's creation: 7 records
    assert services.seal_pending(now=later(), batch_size=3, limit=5).sealed == 5
    assert services.seal_pending(now=later(), batch_size=3).sealed == 2
    assert list(AuditSeal.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6, 7]


def test_a_sealer_that_loses_the_race_forks_nothing(write_records, monkeypatch):
    write_records(3)  # and the actor's creation: 4 records
    real_link = services.link
    raced = []

    def link_with_rival(*args, **kwargs):
        if not raced:
            raced.append(True)
            # Another sealer seals everything while this one is still hashing its batch.
            assert services.seal_pending(now=later()).sealed == 4
        return real_link(*args, **kwargs)

    monkeypatch.setattr(services, "link", link_with_rival)
    outcome = services.seal_pending(now=later())

    assert outcome.sealed == 0
    assert AuditSeal.objects.count() == 4
    assert chain.verify_chain().ok


def test_the_database_refuses_a_fork(write_records):
    write_records(1)
    seal_all()
    first = AuditSeal.objects.get(seq=1)
    common = {"hash": "ab" * 32, "prev_hash": first.hash, "algorithm": "sm3", "sealed_at": timezone.now()}
    with pytest.raises(IntegrityError), transaction.atomic():  # a second seal in the same place
        AuditSeal.objects.create(seq=2, record_id=10**9, **common)
    with pytest.raises(IntegrityError), transaction.atomic():  # the same record sealed twice
        AuditSeal.objects.create(seq=3, record_id=first.record_id, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(seq=3, record_id=10**9, **dict(common, algorithm="md5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(seq=0, record_id=10**9, **common)
    assert AuditSeal.objects.count() == 2


def test_the_scheduled_job_seals(write_records, monkeypatch):
    from yingshang.audit import jobs
    from yingshang.core.schedule import PERIODIC_JOBS

    assert any(j.task == "yingshang.audit.jobs.seal_pending" and j.every_seconds <= 10 for j in PERIODIC_JOBS)
    write_records(1)
    monkeypatch.setattr(services, "SEAL_DELAY_SECONDS", 0)
    result = jobs.seal_pending.enqueue()
    assert result.return_value == {"sealed": 2, "busy": False}
    assert AuditSeal.objects.count() == 2


def test_the_seal_audit_command(write_records, capsys):
    write_records(1)
    call_command("seal_audit")
    assert capsys.readouterr().out.strip() == "本次封存 0 条审计记录。"  # too young yet
    call_command("seal_audit", "--delay", "0")
    assert capsys.readouterr().out.strip() == "本次封存 2 条审计记录。"
    assert AuditSeal.objects.count() == 2


def test_an_unknown_algorithm_setting_is_refused(write_records, settings):
    write_records(1)
    settings.AUDIT_HASH_ALGORITHM = "md5"
    with pytest.raises(ImproperlyConfigured):
        seal_all()
    assert AuditSeal.objects.count() == 0
