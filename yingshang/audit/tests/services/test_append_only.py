"""The database itself refuses to change or delete audit rows: PostgreSQL and SQLite alike."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from yingshang.audit.models import AuditRecord, AuditSeal, WitnessIdentity

from ..conftest import seal_all

REFUSED = "审计表只允许追加"


@pytest.fixture
def records(write_records):
    written = write_records(2)
    seal_all()
    return written


def test_update_of_a_record_is_refused(records):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditRecord.objects.filter(pk=records[0].pk).update(detail="改过了")
    assert AuditRecord.objects.get(pk=records[0].pk).detail == ""


def test_delete_of_the_newest_record_is_refused(records):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditRecord.objects.filter(pk=records[-1].pk).delete()
    assert AuditRecord.objects.filter(pk=records[-1].pk).exists()


def test_update_and_delete_of_the_newest_seal_are_refused(records):
    seal = AuditSeal.objects.get(record_id=records[-1].pk)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(hash="00" * 32)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).delete()
    assert AuditSeal.objects.get(pk=seal.pk).hash == seal.hash


def test_the_witness_identity_cannot_be_replaced(records, witness_started):
    newer = WitnessIdentity.objects.create(
        installation_id="1" * 32, started_at=timezone.now(), reason=WitnessIdentity.Reason.RESTORE
    )
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        WitnessIdentity.objects.filter(pk=newer.pk).update(installation_id="2" * 32)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        WitnessIdentity.objects.filter(pk=newer.pk).delete()
    assert WitnessIdentity.objects.get(pk=newer.pk).installation_id == "1" * 32


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL archiving switches the trigger off")
def test_on_sqlite_only_the_oldest_end_may_be_archived(records):
    """Archiving after the retention period deletes oldest first; that stays possible, a gap does not."""
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditRecord.objects.filter(pk__gt=records[0].pk).delete()
    oldest = AuditRecord.objects.order_by("id").first()
    AuditRecord.objects.filter(pk=oldest.pk).delete()
    assert not AuditRecord.objects.filter(pk=oldest.pk).exists()


def test_inserting_is_still_allowed(records, write_records):
    write_records(1)
    assert seal_all().sealed == 1
