"""Two people acting on the same record at the same moment, through the real request stack, many times:
exactly one wins, the other is told the record changed; nothing lost, nothing duplicated, and no
"database is locked" (or any server error) reaches a user. Runs on PostgreSQL, and on SQLite when the test
database is a file (YINGSHANG_TEST_SQLITE_FILE=1; see conftest.py)."""

import json
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingshang.appeals import services as appeal_services
from yingshang.appeals.models import Appeal, Dispatch
from yingshang.audit.models import AuditRecord
from yingshang.core.events import timeline_for
from yingshang.ledger import services as ledger_services
from yingshang.ledger.models import CloseOutRequest
from yingshang.org import roles as r
from yingshang.org import services as org_services

from .concurrent import needs_shared_database, run_together
from .walk import client_for
from .world import PASSWORD, build_world, credit_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROUNDS = 8


@pytest.fixture
def world():
    needs_shared_database()
    w = build_world()
    w.users["office_2"] = org_services.user_create(
        actor=None,
        username="p_office_2",
        password=PASSWORD,
        real_name="验证office2",
        roles={r.OFFICE},
        department=w.departments["office"],
        must_change_password=False,
    )
    return w


def _post(client: Client, url: str, data: dict) -> tuple[int, list[str]]:
    response = client.post(url, data)
    queued = get_messages(response.wsgi_request)._queued_messages  # this request's messages only
    return response.status_code, [(m.level_tag, str(m)) for m in queued]


def _assert_one_winner(results, successes: tuple[str, ...]):
    """Exactly one request succeeded (one success message naming the action); the other was refused with an
    error message (the record changed under it); no server error, no lock error."""
    errors = [res for res in results if isinstance(res, Exception)]
    assert errors == [], errors
    assert all(status == 302 for status, _ in results), results
    texts = [text for _, msgs in results for _, text in msgs]
    assert not any("locked" in t or "锁" in t for t in texts), texts
    won = [msgs for _, msgs in results if [lvl for lvl, _ in msgs] == ["success"]]
    lost = [msgs for _, msgs in results if msgs and all(lvl == "error" for lvl, _ in msgs)]
    assert len(won) == 1 and len(lost) == 1, results
    assert won[0][0][1] in successes, won


def test_two_reviewers_decide_the_same_close_out_request(world):
    office, liaison = world.users["office"], world.users["liaison"]
    clients = [client_for("office", world), client_for("office_2", world)]
    for n in range(ROUNDS):
        task = ledger_services.task_create(
            actor=office,
            measure=world.objects["measure"],
            title=f"并发销号验证任务{n}",
            lead_departments=[world.departments["a"]],
            co_departments=[],
            deadline=date(2026, 12, 31),
            start_date=date(2026, 1, 5),
            cycle="quarter",
        )
        ledger_services.progress_report_submit(actor=liaison, task=task, text="已完成", percent=100)
        evidence = SimpleUploadedFile("验收.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
        ledger_services.close_out_request(actor=liaison, task=task, summary="已完成", evidence=[evidence])
        task.refresh_from_db()
        url = f"/ledger/tasks/{task.pk}/review/"
        decisions = [
            {"decision": "approve", "reason": "同意销号", "version": task.version},
            {"decision": "reject", "reason": "材料不全", "version": task.version},
        ]
        results = run_together(
            [lambda c=c, d=d, url=url: _post(c, url, d) for c, d in zip(clients, decisions, strict=True)]
        )
        _assert_one_winner(results, ("已同意销号。", "已退回销号申请。"))
        task.refresh_from_db()
        request = CloseOutRequest.objects.get(task=task)
        approved = any(msgs == [("success", "已同意销号。")] for _, msgs in results)
        assert task.state == ("closed" if approved else "in_progress")
        assert request.outcome == ("approved" if approved else "rejected")
        assert task.version == decisions[0]["version"] + 1
        decided = [e for e in timeline_for(task) if e.action in {"approve_close", "reject_close"}]
        assert len(decided) == 1
        assert AuditRecord.objects.filter(action__in=["task.approve_close", "task.reject_close"]).filter(
            object_id=str(task.pk)
        ).count() in (0, 1)


def test_two_office_users_dispatch_the_same_appeal(world):
    clients = [client_for("office", world), client_for("office_2", world)]
    targets = [world.departments["a"], world.departments["b"]]
    for n in range(ROUNDS):
        appeal = appeal_services.appeal_submit(
            actor=None,
            data={
                "enterprise_name": "丁物流有限公司",
                "credit_code": credit_code(200 + n),
                "contact_name": "赵经理",
                "contact_phone": "13612345678",
                "category": "help",
                "title": f"并发派单验证{n}",
                "description": f"诉求：并发派单验证第{n}件，仓库门前积水严重，请求协调疏通排水。",
            },
        )
        url = f"/appeals/{appeal.pk}/dispatch/"
        results = run_together(
            [
                lambda c=c, d=d, url=url, v=appeal.version: _post(
                    c, url, {"main_department": d.pk, "version": v}
                )
                for c, d in zip(clients, targets, strict=True)
            ]
        )
        _assert_one_winner(results, ("已派单。",))
        appeal.refresh_from_db()
        assert appeal.state == "dispatched" and appeal.version == 1
        assert Dispatch.objects.filter(appeal=appeal).count() == 1
        assert len([e for e in timeline_for(appeal) if e.action == "dispatch"]) == 1


def test_retried_api_intake_with_one_idempotency_key(world):
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="并发接入")
    payload = {
        "enterprise_name": "戊食品有限公司",
        "credit_code": credit_code(300),
        "contact_name": "钱经理",
        "contact_phone": "13512345678",
        "category": "help",
        "title": "冷库用电增容",
        "description": "诉求：冷库用电增容申请已提交两个月未办结，请求协调供电公司加快办理。",
    }
    for n in range(ROUNDS):
        before = Appeal.objects.count()
        key = f"retry-{n}"

        def call(n=n, key=key):
            response = Client().post(
                "/api/appeals/",
                data=json.dumps({**payload, "title": f"冷库用电增容{n}"}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )
            return response.status_code, response.json()

        results = run_together([call] * 4)
        errors = [res for res in results if isinstance(res, Exception)]
        assert errors == [], errors
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 200, 200, 201], results
        assert len({body["id"] for _, body in results}) == 1
        assert Appeal.objects.count() == before + 1
