import pytest

from yingshang.audit import services
from yingshang.audit.models import AuditRecord, AuditVerification
from yingshang.core.errors import PermissionRefused
from yingshang.org import roles as r

from ..conftest import seal_all


def test_only_the_auditor_may_ask_for_a_verification(make_user):
    for role in sorted(r.ALL_ROLES - {r.AUDITOR}):
        user = make_user(role)
        before = AuditRecord.objects.count()
        with pytest.raises(PermissionRefused):
            services.verification_request(actor=user)
        assert AuditVerification.objects.count() == 0
        assert AuditRecord.objects.count() == before


def test_a_verification_runs_as_a_job_and_is_audited(
    make_user, write_records, django_capture_on_commit_callbacks
):
    auditor = make_user(r.AUDITOR)
    write_records(3)
    seal_all()

    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_request(actor=auditor)

    verification.refresh_from_db()
    assert verification.status == AuditVerification.Status.PASSED
    assert verification.checked == 5  # two accounts created, three records written
    assert verification.failure_record_id is None
    assert verification.message.startswith("审计链完整：已校验 5 条记录；与见证一致：见证记到第 5 条封存（")
    assert list(
        AuditRecord.objects.filter(object_type="audit.auditverification", object_id=str(verification.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    ) == [("audit.verify_request", auditor.pk), ("audit.verify", auditor.pk)]
    # Running it again changes nothing.
    assert services.verification_run(verification_id=verification.pk).checked == 5


def test_a_failed_verification_names_the_record(make_user, write_records, tamper):
    auditor = make_user(r.AUDITOR)
    records = write_records(3)
    seal_all()
    tamper("UPDATE audit_auditrecord SET actor_username = %s WHERE id = %s", ["ghost", records[1].pk])
    verification = AuditVerification.objects.create(requested_by=auditor, requested_at=records[0].at)

    done = services.verification_run(verification_id=verification.pk)

    assert done.status == AuditVerification.Status.FAILED
    assert done.failure_record_id == records[1].pk
    assert done.checked == 3
    assert done.message == f"记录 #{records[1].pk} 的内容已被改动，与封存时的哈希不符。"
