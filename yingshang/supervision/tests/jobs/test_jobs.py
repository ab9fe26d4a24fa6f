import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from yingshang.core.management.commands.scheduler import fire_due
from yingshang.core.models import ScheduledRun
from yingshang.core.schedule import PERIODIC_JOBS
from yingshang.org import roles as r
from yingshang.supervision import jobs
from yingshang.supervision.models import Reminder

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_periodic_jobs_are_declared_and_importable():
    from django.utils.module_loading import import_string

    names = {job.name: job for job in PERIODIC_JOBS}
    assert names["supervision.reminder_scan"].every_seconds == 3600
    assert names["notify.delivery_sweep"].every_seconds == 60
    for job in PERIODIC_JOBS:
        assert hasattr(import_string(job.task), "enqueue")


def test_scheduler_fires_each_slot_once_and_the_scan_sends_once(make_instruction, people):
    make_instruction(dt.date(2026, 10, 9))
    with freeze_time(dt.datetime(2026, 10, 9, 10, 5, tzinfo=SH)):
        now = dt.datetime(2026, 10, 9, 10, 5, tzinfo=SH).timestamp()
        fired = fire_due(now)
        assert set(fired) >= {"supervision.reminder_scan", "notify.delivery_sweep"}
        assert fire_due(now + 1) == []  # same slots: a second scheduler (or tick) enqueues nothing
        assert ScheduledRun.objects.filter(job="supervision.reminder_scan").count() == 1
        # The next hour's slot fires again, but the scan finds the reminder already claimed.
        assert "supervision.reminder_scan" in fire_due(now + 3600)
    assert Reminder.objects.count() == 1


def test_reminder_job_waits_for_the_office_hour(make_instruction):
    make_instruction(dt.date(2026, 10, 9))
    with freeze_time(dt.datetime(2026, 10, 9, 7, 30, tzinfo=SH)):
        assert jobs.reminder_scan.call() == {"skipped": 1}
    assert Reminder.objects.count() == 0
    with freeze_time(dt.datetime(2026, 10, 9, 9, 0, tzinfo=SH)):
        assert jobs.reminder_scan.call()["sent"] == 1
    _ = r
