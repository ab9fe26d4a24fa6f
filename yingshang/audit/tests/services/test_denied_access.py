from datetime import timedelta

from django.utils import timezone

from yingshang.audit import jobs, services
from yingshang.audit.models import AuditRecord, DeniedAccessTally
from yingshang.core.schedule import PERIODIC_JOBS


def test_the_scheduled_job_writes_only_closed_minutes(db):
    assert any(
        j.task == "yingshang.audit.jobs.flush_denied_access" and j.every_seconds <= 60 for j in PERIODIC_JOBS
    )
    now = timezone.now()
    for minutes_ago in (3, 3, 0):
        services.denied_access_count(
            user_id=None,
            username="",
            ip="198.51.100.7",
            pattern="(无此地址)",
            status=404,
            at=now - timedelta(minutes=minutes_ago),
        )

    assert jobs.flush_denied_access.enqueue().return_value == 1

    record = AuditRecord.objects.get(action=services.DENIED_ACCESS_ACTION)
    assert (record.ip, record.actor_username, record.after["count"]) == ("198.51.100.7", "", 2)
    assert DeniedAccessTally.objects.get().refusals == 1  # the current minute stays open


def test_a_refusal_of_an_account_deleted_since_is_still_recorded_by_name(db):
    at = timezone.now() - timedelta(minutes=5)
    services.denied_access_count(
        user_id=987654, username="yiqu", ip="10.0.0.8", pattern="ledger:task", status=404, at=at
    )
    assert services.denied_access_flush() == 1
    record = AuditRecord.objects.get(action=services.DENIED_ACCESS_ACTION)
    assert (record.actor_id, record.actor_username, record.ip) == (None, "yiqu", "10.0.0.8")
