from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingshang.audit import events, views
from yingshang.audit.context import RequestContext, current
from yingshang.audit.models import AuditRecord, AuditSeal, AuditVerification
from yingshang.org import roles as r

from ..conftest import seal_all

RECORDS = reverse("audit:records")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")


@pytest.fixture
def auditor(make_user):
    return make_user(r.AUDITOR, username="shenji")


@pytest.fixture
def as_auditor(auditor, login):
    return login(auditor)


def write(actor, action, *, ip="10.1.1.1", object_type="ledger.item", object_id="1", detail=""):
    token = current.set(RequestContext(ip=ip, user_agent="pytest", request_id="req"))
    try:
        return events.record(
            actor=actor, action=action, object_type=object_type, object_id=object_id, detail=detail
        )
    finally:
        current.reset(token)


@pytest.mark.parametrize("role", sorted(r.ALL_ROLES - {r.AUDITOR}))
def test_nobody_but_the_auditor_gets_in(role, make_user, login, client, write_records):
    write_records(1)
    seal_all()
    user = make_user(role)
    login(user)
    record_id = AuditRecord.objects.order_by("id").values_list("id", flat=True).first()
    records_before = AuditRecord.objects.count()

    assert client.get(RECORDS).status_code == 403
    assert client.get(reverse("audit:record", args=[record_id])).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.post(VERIFY).status_code == 403

    assert AuditRecord.objects.count() == records_before  # no export, no verification was recorded
    assert AuditVerification.objects.count() == 0
    assert "审计日志" not in client.get(reverse("core:home")).content.decode()


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(RECORDS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("org:login"))


def test_the_auditor_has_the_menu_entry_and_the_page(as_auditor, auditor):
    home = as_auditor.get(reverse("core:home")).content.decode()
    assert f'href="{RECORDS}"' in home
    response = as_auditor.get(RECORDS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "审计链状态" in page
    assert "SM3" in page
    assert "尚未校验" in page


def test_filters(as_auditor, make_user):
    alice = make_user(r.OFFICE, username="alice")
    bob = make_user(r.OFFICE, username="bob")
    a1 = write(alice, "auth.login", ip="10.0.0.1")
    a2 = write(alice, "ledger.update", ip="10.0.0.2", object_id="7")
    b1 = write(bob, "auth.logout", ip="10.0.0.1", object_type="appeals.appeal", object_id="7")

    def ids(**params):
        response = as_auditor.get(RECORDS, params)
        assert response.status_code == 200
        return [row.pk for row in response.context["rows"]]

    assert ids(account="alice") == [a2.pk, a1.pk]
    assert ids(action="auth.", ip="10.0.0.1") == [b1.pk, a1.pk]
    assert ids(action="auth.login", ip="10.0.0.1") == [a1.pk]
    # searched by the Chinese label a person reads, or by part of it
    assert ids(action="登录成功", ip="10.0.0.1") == [a1.pk]
    assert ids(action="登录", ip="10.0.0.1") == [b1.pk, a1.pk]
    assert ids(ip="10.0.0.1") == [b1.pk, a1.pk]
    assert ids(object_type="appeals.appeal", object_id="7") == [b1.pk]
    assert ids(object_id="7", account="alice") == [a2.pk]
    now = timezone.localtime()
    assert ids(start=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), account="bob") == [b1.pk]
    assert ids(end=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")) == []


def test_a_bad_time_range_is_explained(as_auditor):
    response = as_auditor.get(RECORDS, {"start": "2026-05-02T00:00", "end": "2026-05-01T00:00"})
    assert response.status_code == 200
    assert "截止时间应晚于起始时间。" in response.content.decode()
    assert response.context["rows"] == []


def test_pages_of_fifty(as_auditor, auditor, monkeypatch):
    for i in range(55):
        write(auditor, "ledger.update", object_id=str(i))
    first = as_auditor.get(RECORDS, {"action": "ledger.update"})
    assert len(first.context["rows"]) == 50
    assert first.context["has_next"] is True
    assert "page=2" in first.content.decode()
    second = as_auditor.get(RECORDS, {"action": "ledger.update", "page": "2"})
    assert [row.object_id for row in second.context["rows"]] == ["4", "3", "2", "1", "0"]
    assert second.context["has_next"] is False


def test_htmx_gets_the_results_fragment(as_auditor, auditor):
    write(auditor, "ledger.update")
    response = as_auditor.get(RECORDS, {"action": "ledger.update"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="results"' in page
    assert "审计链状态" not in page


def test_list_page_query_count_does_not_grow_with_rows(as_auditor, auditor, django_assert_num_queries):
    for _ in range(30):
        write(auditor, "ledger.update")
    seal_all()
    AuditVerification.objects.create(requested_by=auditor, requested_at=timezone.now())
    # Session, account, OTP device; the page of records; the chain tip and the unsealed count; the
    # latest verifications with their requesters; saving the session's activity stamp (3).
    total = AuditRecord.objects.count()
    assert total > 30
    with django_assert_num_queries(10):
        response = as_auditor.get(RECORDS)
    assert len(response.context["rows"]) == total


def test_the_record_page_shows_values_and_seal(as_auditor, auditor):
    record = events.record(
        actor=auditor, action="org.user_update", before={"name": "甲"}, after={"name": "乙"}
    )
    seal_all()
    page = as_auditor.get(reverse("audit:record", args=[record.pk])).content.decode()
    seal = AuditSeal.objects.get(record_id=record.pk)
    assert "修改账号" in page and "org.user_update" not in page  # the action by its label
    assert "&quot;乙&quot;" in page
    assert seal.hash in page
    assert "与封存一致" in page
    assert as_auditor.get(reverse("audit:record", args=[10**9])).status_code == 404


def test_the_record_page_flags_a_record_changed_behind_the_application(as_auditor, auditor, tamper):
    record = events.record(actor=auditor, action="org.user_update", after={"name": "乙"})
    seal_all()
    tamper("UPDATE audit_auditrecord SET after = %s WHERE id = %s", ['{"name": "丙"}', record.pk])
    page = as_auditor.get(reverse("audit:record", args=[record.pk])).content.decode()
    assert "与封存不符：内容已被改动" in page
    assert "与封存一致" not in page


def test_export_is_the_filtered_list_and_is_audited(as_auditor, auditor, make_user):
    alice = make_user(r.OFFICE, username="alice")
    a1 = write(alice, "auth.login", ip="10.0.0.1", detail="登录成功")
    write(auditor, "auth.login", ip="10.0.0.9")
    a2 = write(alice, "auth.logout", ip="10.0.0.1")

    response = as_auditor.get(EXPORT, {"account": "alice", "action": "auth."})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "审计日志"
    assert list(rows[1]) == views.EXPORT_HEADERS
    data = rows[2:4]
    assert [(row[0], row[2], row[3], row[5], row[8], row[13]) for row in data] == [
        (a2.pk, "alice", "营商办", "10.0.0.1", "退出登录", None),
        (a1.pk, "alice", "营商办", "10.0.0.1", "登录成功", "登录成功"),
    ]
    assert rows[4] == (None,) * len(rows[4]) or rows[4][0] is None
    exported = AuditRecord.objects.filter(action="audit.export").get()
    assert exported.actor_id == auditor.pk
    assert exported.after == {"rows": 2, "filters": {"account": "alice", "action": "auth."}}


def test_an_export_too_large_is_refused(as_auditor, auditor, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 2)
    for _ in range(3):
        write(auditor, "ledger.update")
    response = as_auditor.get(EXPORT, {"action": "ledger.update"}, follow=True)
    assert "超过 2 条" in response.content.decode()
    assert not AuditRecord.objects.filter(action="audit.export").exists()
    assert as_auditor.get(EXPORT, {"action": "ledger.update", "account": "nobody"}).status_code == 200


def test_the_verify_button_runs_a_verification(
    as_auditor, auditor, write_records, django_capture_on_commit_callbacks
):
    write_records(2)
    seal_all()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_auditor.post(VERIFY)
    assert response.status_code == 302
    verification = AuditVerification.objects.get()
    assert verification.status == AuditVerification.Status.PASSED
    assert verification.requested_by == auditor
    page = as_auditor.get(RECORDS).content.decode()
    assert "通过" in page
    assert verification.message in page
    assert as_auditor.get(VERIFY).status_code == 405


def test_export_records_its_time_filters(as_auditor, auditor):
    write(auditor, "ledger.update")
    response = as_auditor.get(EXPORT, {"start": "2026-01-01T08:30", "action": "ledger.update"})
    assert response.status_code == 200
    exported = AuditRecord.objects.filter(action="audit.export").get()
    assert exported.after == {
        "rows": 1,
        "filters": {"start": "2026-01-01T08:30:00+08:00", "action": "ledger.update"},
    }
