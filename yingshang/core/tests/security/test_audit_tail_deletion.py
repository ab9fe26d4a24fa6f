"""Issue 12.11: deleting the newest audit records together with their seals leaves a chain that verifies
on its own. The witness outside the database (a file, optionally syslog) catches it; so do the
append-only triggers, now on SQLite too, until the intruder removes them."""

import json
import socket
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from yingshang.audit import events, services
from yingshang.audit.chain import verify_chain
from yingshang.audit.models import AuditRecord, AuditSeal, AuditVerification, WitnessIdentity
from yingshang.audit.tests.tampering import run_behind_the_application
from yingshang.core.backup import backup
from yingshang.org import roles as r

pytestmark = pytest.mark.django_db


def seal_everything():
    return services.seal_pending(now=timezone.now() + timedelta(minutes=10))


@pytest.fixture
def history(make_user):
    office = make_user(r.OFFICE)
    for i in range(8):
        events.record(actor=office, action="ledger.update", object_type="ledger.item", object_id=i)
    seal_everything()
    return office


def delete_newest(n: int) -> None:
    """What the intruder did: remove the newest records and their seals, straight in the database."""
    first = min(AuditRecord.objects.order_by("-id").values_list("id", flat=True)[:n])
    run_behind_the_application("DELETE FROM audit_auditseal WHERE record_id >= %s", [first])
    run_behind_the_application("DELETE FROM audit_auditrecord WHERE id >= %s", [first])


def test_each_sealing_leaves_a_witness_line_naming_the_database(history, audit_witness_file):
    lines = [json.loads(line) for line in audit_witness_file.read_text().splitlines()]
    identity = WitnessIdentity.objects.get()
    tip = AuditSeal.objects.order_by("-seq").first()
    assert [line["event"] for line in lines] == ["start", "seal"]
    assert {line["database"] for line in lines} == {identity.installation_id}
    assert lines[-1]["sealed"] == tip.seq == AuditRecord.objects.count()
    assert lines[-1]["head"] == tip.hash
    assert lines[-1]["last_record_id"] == tip.record_id
    assert lines[-1]["engine"] in {"sqlite", "postgresql"}
    # The start of the witness is itself audited.
    start = AuditRecord.objects.get(action="audit.witness_start")
    assert start.after["database"] == identity.installation_id
    assert identity.reason == WitnessIdentity.Reason.NEW


def test_the_witness_also_goes_to_syslog_when_configured(settings, make_user):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as syslog_server:
        syslog_server.bind(("127.0.0.1", 0))
        syslog_server.settimeout(5)
        settings.YINGSHANG_AUDIT_WITNESS_SYSLOG = f"127.0.0.1:{syslog_server.getsockname()[1]}"
        events.record(actor=make_user(r.OFFICE), action="ledger.update")
        seal_everything()
        received = [syslog_server.recv(65536).decode() for _ in range(2)]
    identity = WitnessIdentity.objects.get()
    tip = AuditSeal.objects.order_by("-seq").first()
    assert all(message.startswith("<86>yingshang-audit-witness: {") for message in received)  # authpriv.info
    last = json.loads(received[-1].split(": ", 1)[1].rstrip("\x00"))
    assert (last["event"], last["database"], last["sealed"], last["head"]) == (
        "seal",
        identity.installation_id,
        tip.seq,
        tip.hash,
    )


def test_an_untouched_database_passes(history, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"与见证一致：见证记到第 {AuditSeal.objects.count()} 条封存" in out


def test_deleting_the_newest_records_and_their_seals_fails_verify_audit(history):
    sealed = AuditSeal.objects.count()
    records = AuditRecord.objects.count()

    delete_newest(3)

    assert AuditRecord.objects.count() == records - 3
    assert verify_chain().ok  # the chain alone cannot tell: this was the finding
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    assert refused.value.returncode == 2
    message = str(refused.value)
    assert f"已封存 {sealed} 条记录" in message
    assert f"数据库中现只有 {sealed - 3} 条封存" in message
    assert "最新的 3 条审计记录连同封存被删除" in message
    assert "witness_gap" in message


def test_the_auditors_verification_fails_too(history, make_user, django_capture_on_commit_callbacks):
    auditor = make_user(r.AUDITOR)
    seal_everything()
    delete_newest(2)
    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_request(actor=auditor)
    verification.refresh_from_db()
    assert verification.status == AuditVerification.Status.FAILED
    assert "最新的 2 条审计记录连同封存被删除" in verification.message


def test_deleting_records_and_letting_new_ones_be_sealed_in_their_place_is_caught(history):
    delete_newest(3)
    for i in range(4):  # more than were deleted, so the count is even ahead of the witness
        events.record(actor=history, action="ledger.update", object_type="ledger.item", object_id=100 + i)
    seal_everything()
    with pytest.raises(CommandError, match="witness_mismatch"):
        call_command("verify_audit")


def test_wiping_the_audit_tables_and_the_identity_is_caught(history):
    run_behind_the_application("DELETE FROM audit_auditseal")
    run_behind_the_application("DELETE FROM audit_auditrecord")
    run_behind_the_application("DELETE FROM audit_witnessidentity")
    with pytest.raises(CommandError, match="witness_replaced") as refused:
        call_command("verify_audit")
    assert "不是自备份恢复" in str(refused.value)


def test_a_lost_witness_file_fails_verify_audit(history, audit_witness_file):
    audit_witness_file.unlink()
    with pytest.raises(CommandError, match="witness_missing"):
        call_command("verify_audit")


@pytest.mark.parametrize("table", ["audit_auditrecord", "audit_auditseal"])
def test_the_application_cannot_delete_the_newest_rows(history, table):
    """Without the intruder's step of switching the guard off, the database refuses (both engines)."""
    key = "id" if table == "audit_auditrecord" else "seq"
    before = (AuditRecord.objects.count(), AuditSeal.objects.count())
    with (
        pytest.raises(DatabaseError, match="审计表只允许追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE {key} = (SELECT max({key}) FROM {table})")
    assert (AuditRecord.objects.count(), AuditSeal.objects.count()) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_database_starts_its_own_witness_and_that_is_audited(make_user, tmp_path, capsys):
    ContentType.objects.clear_cache()  # an earlier flush may have re-created them under new ids
    office = make_user(r.OFFICE)
    seal_everything()
    backup(tmp_path / "backup")
    original = WitnessIdentity.objects.get()
    for i in range(5):
        events.record(actor=office, action="ledger.update", object_type="ledger.item", object_id=i)
    seal_everything()
    witnessed = AuditSeal.objects.count()

    call_command("restore", str(tmp_path / "backup"))

    assert AuditSeal.objects.count() == witnessed - 5  # the database went back to the backup
    identity = WitnessIdentity.objects.order_by("-id").first()
    assert identity.reason == WitnessIdentity.Reason.RESTORE
    assert identity.installation_id != original.installation_id
    start = AuditRecord.objects.get(action="audit.witness_start", object_id=str(identity.pk))
    assert start.before == {
        "database": original.installation_id,
        "sealed": witnessed,
        "head": start.before["head"],
    }
    assert start.after["database"] == identity.installation_id
    # Judged against its own witness, the restored copy passes; its start record gets sealed too.
    call_command("verify_audit", "--no-seal")
    assert "与见证一致" in capsys.readouterr().out
    seal_everything()
    call_command("verify_audit")


def test_a_witness_that_cannot_be_written_stops_sealing_loudly(settings, tmp_path, make_user):
    (tmp_path / "not-a-directory").write_text("")
    settings.YINGSHANG_AUDIT_WITNESS = str(tmp_path / "not-a-directory" / "audit-witness.jsonl")
    events.record(actor=make_user(r.OFFICE), action="ledger.update")
    with pytest.raises(OSError):
        seal_everything()
    assert not AuditSeal.objects.exists()
    assert not WitnessIdentity.objects.exists()
