import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from yingshang.audit import chain, services
from yingshang.audit.models import AuditRecord, AuditSeal

from ..conftest import seal_all


def verify(capsys, *args):
    call_command("verify_audit", *args)
    return capsys.readouterr().out


def verify_fails(*args) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", *args)
    assert excinfo.value.returncode != 0
    return str(excinfo.value)


@pytest.fixture
def sealed(write_records):
    write_records(5)
    seal_all()
    return list(AuditRecord.objects.order_by("id").values_list("id", flat=True))


def test_an_intact_chain_passes(sealed, capsys):
    out = verify(capsys)
    assert f"审计链完整：已校验 6 条记录，最后封存至 #{sealed[-1]}，算法 SM3" in out
    result = chain.verify_chain()
    assert (result.ok, result.checked, result.last_sealed_id, result.unsealed) == (True, 6, sealed[-1], 0)


def test_an_empty_chain_passes(db, capsys):
    assert "已校验 0 条记录" in verify(capsys)


def test_the_unsealed_tail_is_reported_apart(sealed, write_records, capsys):
    write_records(2)
    out = verify(capsys)
    assert "已校验 6 条记录" in out
    assert "另有 2 条最新记录尚未封存" in out


def test_verify_seals_what_is_due_first(write_records, capsys, monkeypatch):
    write_records(2)
    monkeypatch.setattr(services, "SEAL_DELAY_SECONDS", 0)
    assert "已校验 3 条记录" in verify(capsys)
    assert AuditSeal.objects.count() == 3


def test_a_record_edited_in_the_database_is_named(sealed, tamper, write_records):
    victim = sealed[2]
    tamper("UPDATE audit_auditrecord SET detail = %s WHERE id = %s", ["改过了", victim])
    tamper("UPDATE audit_auditrecord SET detail = %s WHERE id = %s", ["也改过了", sealed[4]])

    message = verify_fails()

    assert f"记录 #{victim} 的内容已被改动" in message
    assert f"问题记录 #{victim}，类型 altered" in message
    assert "此前 2 条记录完好" in message


def test_a_changed_json_value_is_named(sealed, tamper):
    victim = sealed[3]
    tamper("UPDATE audit_auditrecord SET after = %s WHERE id = %s", ['{"n": 99}', victim])
    assert f"问题记录 #{victim}，类型 altered" in verify_fails()


def test_a_deleted_record_is_named(sealed, tamper):
    victim = sealed[1]
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [victim])
    message = verify_fails()
    assert f"记录 #{victim} 已被删除" in message
    assert f"问题记录 #{victim}，类型 deleted" in message


def test_a_record_deleted_with_its_seal_is_caught(sealed, tamper):
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [sealed[2]])
    tamper("DELETE FROM audit_auditseal WHERE record_id = %s", [sealed[2]])
    message = verify_fails()
    assert f"记录 #{sealed[1]} 之后、#{sealed[3]} 之前的记录连同封存被删除" in message
    assert "类型 seal_broken" in message


def test_a_record_inserted_behind_the_frontier_is_named(db, write_records):
    first = write_records(1)[0]
    # Ids first+1..first+3 are skipped (say, transactions rolled back); first+4 is sealed after them.
    AuditRecord.objects.create(id=first.pk + 4, at=timezone.now(), action="ledger.update")
    seal_all()
    AuditRecord.objects.create(id=first.pk + 2, at=timezone.now(), action="ledger.update", detail="补录")

    message = verify_fails("--no-seal")

    assert f"记录 #{first.pk + 2} 位于已封存范围内却没有封存" in message
    assert f"问题记录 #{first.pk + 2}，类型 out_of_order" in message


def test_an_edited_seal_breaks_the_chain(sealed, tamper):
    tamper("UPDATE audit_auditseal SET hash = %s WHERE record_id = %s", ["ab" * 32, sealed[2]])
    assert f"问题记录 #{sealed[2]}，类型 altered" in verify_fails()


def test_a_chain_sealed_with_openssl_verifies_with_pure_python_sm3(sealed, tamper):
    assert chain.verify_chain(use_openssl=False).ok
    tamper("UPDATE audit_auditrecord SET ip = %s WHERE id = %s", ["10.0.0.9", sealed[0]])
    result = chain.verify_chain(use_openssl=False)
    assert result.failure == chain.Failure(
        "altered", sealed[0], f"记录 #{sealed[0]} 的内容已被改动，与封存时的哈希不符。"
    )


def test_verification_walks_in_batches(sealed):
    result = chain.verify_chain(batch_size=2)
    assert (result.ok, result.checked) == (True, 6)


def test_the_database_type_is_what_it_seems():
    # The tamper fixture relies on it; a third backend would need its own way in.
    assert connection.vendor in {"sqlite", "postgresql"}


def test_verify_audit_works_where_openssl_lacks_sm3(sealed, capsys, monkeypatch):
    monkeypatch.setattr(chain, "OPENSSL_SM3", False)
    assert "SM3 实现：gmssl（纯Python）" in verify(capsys)


def test_a_chain_may_change_algorithm_part_way(write_records, capsys, settings):
    write_records(2)
    settings.AUDIT_HASH_ALGORITHM = "sha256"
    assert seal_all().sealed == 3
    settings.AUDIT_HASH_ALGORITHM = "sm3"
    write_records(2)
    assert seal_all().sealed == 2
    assert list(AuditSeal.objects.values_list("algorithm", flat=True)) == ["sha256"] * 3 + ["sm3"] * 2
    result = chain.verify_chain()
    assert (result.ok, result.checked, result.algorithms) == (True, 5, {"sha256", "sm3"})
    assert "算法 SHA256、SM3" in verify(capsys)
