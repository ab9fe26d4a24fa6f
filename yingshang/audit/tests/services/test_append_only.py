"""On PostgreSQL the database itself refuses to change or delete audit rows."""

import pytest
from django.db import DatabaseError, connection, transaction

from yingshang.audit.models import AuditRecord, AuditSeal

from ..conftest import seal_all

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.fixture
def record(write_records):
    written = write_records(1)[0]
    seal_all()
    return written


def test_update_of_a_record_is_refused(record):
    with pytest.raises(DatabaseError, match="审计表只允许追加"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(detail="改过了")
    assert AuditRecord.objects.get(pk=record.pk).detail == ""


def test_delete_of_a_record_is_refused(record):
    with pytest.raises(DatabaseError, match="审计表只允许追加"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_update_and_delete_of_a_seal_are_refused(record):
    seal = AuditSeal.objects.get(record_id=record.pk)
    with pytest.raises(DatabaseError, match="审计表只允许追加"), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(hash="00" * 32)
    with pytest.raises(DatabaseError, match="审计表只允许追加"), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).delete()
    assert AuditSeal.objects.get(pk=seal.pk).hash == seal.hash


def test_inserting_is_still_allowed(record, write_records):
    write_records(1)
    assert seal_all().sealed == 1
