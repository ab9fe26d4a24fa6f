"""Crash safety: a separate process is killed with SIGKILL in the middle of a large ledger import and in the
middle of a workflow transition (at crash points the code names, see yingshang.core.crashpoints). The
database is then exactly as it was before: the transaction the process held is gone with it. Each scenario
also runs once without the crash, to show the process really writes. PostgreSQL, and file SQLite
(YINGSHANG_TEST_SQLITE_FILE=1)."""

import io
import os
import signal
import subprocess
import sys

import openpyxl
import pytest
from django.conf import settings
from django.db import connection

from yingshang.appeals import services as appeal_services
from yingshang.appeals.models import Appeal
from yingshang.audit.models import AuditRecord
from yingshang.core.models import TimelineEntry
from yingshang.ledger.models import PolicyDocument, Task, TaskDepartment
from yingshang.org.models import Department

from .concurrent import needs_shared_database
from .world import build_world, credit_code

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]
ROWS = 1500


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def run_child(scenario: str, arg: str, crash_at: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "YINGSHANG_CRASH_AT": crash_at,
    }
    return subprocess.run(
        [sys.executable, "-m", "yingshang.core.tests.proof.crash_child", scenario, arg],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot() -> dict:
    return {
        "tasks": Task.objects.count(),
        "task_departments": TaskDepartment.objects.count(),
        "documents": PolicyDocument.objects.count(),
        "departments": Department.objects.count(),
        "audit": AuditRecord.objects.count(),
        "timeline": TimelineEntry.objects.count(),
        "appeals": list(Appeal.objects.order_by("pk").values_list("pk", "state", "version")),
    }


def large_workbook(path, title: str) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("任务分工")
    ws.append([title])
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    for n in range(1, ROWS + 1):
        ws.append(
            [
                n,
                f"第{n}项重点任务：压缩审批时限，提升办事效率。",
                "示例市甲局",
                "示例市乙局",
                "2026年12月底前",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def world():
    needs_shared_database()
    return build_world()


def test_killed_in_the_middle_of_a_large_import_leaves_nothing(world, tmp_path):
    path = tmp_path / "分工方案.xlsx"
    large_workbook(path, "示例市2026年优化营商环境重点任务分工方案（崩溃验证）")
    before = snapshot()
    killed = run_child("import", str(path), crash_at="ledger.import.commit")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert snapshot() == before

    done = run_child("import", str(path), crash_at="")
    assert done.returncode == 0, done.stderr[-2000:]
    after = snapshot()
    assert after["tasks"] == before["tasks"] + ROWS
    assert after["documents"] == before["documents"] + 1


def test_killed_in_the_middle_of_a_transition_leaves_the_record_as_it_was(world):
    appeal = appeal_services.appeal_submit(
        actor=None,
        data={
            "enterprise_name": "己建材有限公司",
            "credit_code": credit_code(400),
            "contact_name": "孙经理",
            "contact_phone": "13412345678",
            "category": "help",
            "title": "崩溃验证诉求",
            "description": "诉求：崩溃验证，厂区周边路灯损坏，请求协调修复。",
        },
    )
    before = snapshot()
    killed = run_child("dispatch", str(appeal.pk), crash_at="workflow.appeal.dispatch")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert snapshot() == before
    appeal.refresh_from_db()
    assert (appeal.state, appeal.version) == ("submitted", 0)

    done = run_child("dispatch", str(appeal.pk), crash_at="")
    assert done.returncode == 0, done.stderr[-2000:]
    appeal.refresh_from_db()
    assert (appeal.state, appeal.version) == ("dispatched", 1)
