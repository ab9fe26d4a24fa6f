"""Issue 12.10: about 10,500 refusals (403, 404 on objects out of scope, role refusals) left no trace. Each
refusal is now counted per account (or address), URL pattern and minute in a table every process shares,
and each closed minute becomes one append-only audit record with the count, which the auditor filters."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from yingshang.audit import services
from yingshang.audit.models import AuditRecord, DeniedAccessTally
from yingshang.audit.services import DENIED_ACCESS_ACTION
from yingshang.org import roles as r
from yingshang.org.models import User
from yingshang.org.services import api_token_create

pytestmark = pytest.mark.django_db

MINUTE = "2026-12-03 10:00:00+08:00"


def denied_records():
    return list(AuditRecord.objects.filter(action=DENIED_ACCESS_ACTION).order_by("id"))


def flush_after_the_minute():
    return services.denied_access_flush(now=timezone.now() + timedelta(minutes=2))


@pytest.fixture
def prober(make_user, login):
    """A liaison officer, signed in, trying other people's accounts, departments and the auditor's page."""
    user = make_user(r.LIAISON, username="tanche")
    return user, login(user)


@pytest.fixture
def target(make_user):
    return make_user(r.LIAISON, username="mubiao")


def test_500_refusals_in_one_minute_make_one_record_with_the_count(prober, target):
    user, client = prober
    with freeze_time("2026-12-03 10:00:10+08:00"):
        for _ in range(500):
            assert client.get(reverse("org:account_edit", args=[target.pk])).status_code == 403
        assert denied_records() == []  # nothing written while the minute is open
        assert flush_after_the_minute() == 1

    [record] = denied_records()
    assert record.actor_id == user.pk
    assert record.actor_username == "tanche"
    assert record.actor_roles == r.LIAISON
    assert record.ip == "127.0.0.1"
    assert record.after["pattern"] == "org:account_edit"
    assert record.after["status"] == 403
    assert record.after["count"] == 500
    assert record.after["first_at"] <= record.after["last_at"]
    assert record.detail.startswith("2026-12-03 10:00 起一分钟内被拒绝访问 500 次")
    assert not DeniedAccessTally.objects.exists()
    assert services.denied_access_flush(now=timezone.now() + timedelta(hours=1)) == 0  # written once


def test_a_minute_still_open_is_not_flushed(prober, target):
    _, client = prober
    with freeze_time("2026-12-03 10:00:30+08:00"):
        client.get(reverse("org:account_edit", args=[target.pk]))
        assert services.denied_access_flush() == 0
    assert DeniedAccessTally.objects.get().refusals == 1


def test_patterns_users_statuses_and_minutes_are_counted_apart(prober, target, make_user, login):
    _, client = prober
    other = make_user(r.LIAISON, username="lingyige")
    other_client = login(other, Client())
    with freeze_time("2026-12-03 10:00:10+08:00") as clock:
        for pk in (target.pk, other.pk, target.pk):  # different ids, one pattern
            client.get(reverse("org:account_edit", args=[pk]))
        client.post(reverse("org:account_set_active", args=[target.pk]), {"active": "0"})
        client.get(reverse("audit:records"))  # role refusal: 403
        client.get(reverse("ledger:task", args=[999_999]))  # no such task, or out of scope: 404
        other_client.get(reverse("org:account_edit", args=[target.pk]))
        clock.move_to("2026-12-03 10:01:05+08:00")
        client.get(reverse("org:account_edit", args=[target.pk]))
        clock.move_to("2026-12-03 10:05:00+08:00")
        flush_after_the_minute()

    counted = sorted(
        (
            rec.actor_username,
            rec.after["pattern"],
            rec.after["status"],
            rec.after["window_start"][11:16],
            rec.after["count"],
        )
        for rec in denied_records()
    )
    assert counted == [
        ("lingyige", "org:account_edit", 403, "02:00", 1),
        ("tanche", "audit:records", 403, "02:00", 1),
        ("tanche", "ledger:task", 404, "02:00", 1),
        ("tanche", "org:account_edit", 403, "02:00", 3),
        ("tanche", "org:account_edit", 403, "02:01", 1),
        ("tanche", "org:account_set_active", 403, "02:00", 1),
    ]


def test_a_refused_write_changes_nothing_and_now_leaves_a_trace(prober, target):
    _, client = prober
    response = client.post(reverse("org:account_set_active", args=[target.pk]), {"active": "0"})
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).is_active is True
    assert not AuditRecord.objects.filter(
        object_id=str(target.pk), action__in=["user.disable", "user.enable"]
    )
    flush_after_the_minute()
    [record] = denied_records()
    assert (record.actor_username, record.after["pattern"]) == ("tanche", "org:account_set_active")


def test_an_api_token_and_an_anonymous_address_are_counted(make_user, client):
    liaison = make_user(r.LIAISON, username="jiekou")
    _, raw = api_token_create(actor=make_user(r.SECADMIN), user=liaison, name="对接系统")
    for _ in range(3):
        response = client.get("/api/ledger/tasks/999999", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 404
    anonymous = Client(REMOTE_ADDR="203.0.113.9")
    for path in ("/no-such-page/", "/another-one/"):
        assert anonymous.get(path).status_code == 404
    flush_after_the_minute()

    by_account = {rec.actor_username or rec.ip: rec for rec in denied_records()}
    assert by_account["jiekou"].after["count"] == 3
    assert by_account["jiekou"].after["pattern"].startswith("api")
    assert by_account["203.0.113.9"].actor_id is None
    assert by_account["203.0.113.9"].after == by_account["203.0.113.9"].after | {
        "pattern": "(无此地址)",
        "count": 2,
    }


def test_each_refusal_costs_one_statement(prober, target):
    _, client = prober
    client.get(reverse("org:account_edit", args=[target.pk]))  # the session and user are loaded once
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("org:account_edit", args=[target.pk]))
    tally_table = DeniedAccessTally._meta.db_table
    touching = [q["sql"] for q in queries.captured_queries if tally_table in q["sql"]]
    assert len(touching) == 1
    assert touching[0].startswith("INSERT INTO")
    assert DeniedAccessTally.objects.get().refusals == 2


def test_the_auditor_filters_refusals(prober, target, make_user, login):
    _, client = prober
    client.get(reverse("org:account_edit", args=[target.pk]))
    flush_after_the_minute()
    auditor_client = login(make_user(r.AUDITOR, username="shenji"), Client())

    page = auditor_client.get(reverse("audit:records"), {"category": "access_denied"})

    assert page.status_code == 200
    assert AuditRecord.objects.exclude(action=DENIED_ACCESS_ACTION).exists()  # accounts created, filtered out
    rows = page.context["rows"]
    assert [row.action for row in rows] == [DENIED_ACCESS_ACTION]
    assert "被拒绝访问 1 次" in page.content.decode()
    assert "越权访问/拒绝访问" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared between threads")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_refusals_from_many_connections_add_up_in_one_row(make_user):
    """Four connections (as four gunicorn workers would have) counting the same minute at the same time."""
    user = make_user(r.LIAISON, username="bingfa")
    at = timezone.now().replace(second=1)
    errors = []

    def worker():
        try:
            for _ in range(125):
                services.denied_access_count(
                    user_id=user.pk,
                    username=user.username,
                    ip="10.0.0.1",
                    pattern="org:account_edit",
                    status=404,
                    at=at,
                )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DeniedAccessTally.objects.get().refusals == 500
    assert services.denied_access_flush(now=at + timedelta(minutes=2)) == 1
    assert denied_records()[0].after["count"] == 500
