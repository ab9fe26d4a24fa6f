"""Backup and restore round-trip a populated database: every record, file and audit hash comes back."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from yingshang.audit.chain import verify_chain
from yingshang.audit.models import AuditRecord, AuditSeal
from yingshang.audit.services import seal_pending
from yingshang.core.backup import backup, restore
from yingshang.core.errors import ValidationFailed
from yingshang.core.models import Attachment
from yingshang.core.uploads import attachment_add
from yingshang.org import roles as r
from yingshang.org.models import Department, User

PDF = b"%PDF-1.4\n" + b"0" * 2048


def snapshot() -> dict:
    files = {
        a.file.name: hashlib.sha256(default_storage.open(a.file.name).read()).hexdigest()
        if default_storage.exists(a.file.name)
        else None
        for a in Attachment.objects.all()
    }
    return {
        "departments": sorted(Department.objects.values_list("code", "name", "path")),
        "users": sorted(User.objects.values_list("username", "roles", "password")),
        "audit": sorted(AuditSeal.objects.values_list("record_id", "hash")),
        "audit_count": AuditRecord.objects.count(),
        "files": files,
    }


# Serialized rollback like every transactional test here: a flush without it re-creates content types under
# new ids, which breaks the next serialized test on the same worker.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def populated(make_user, make_department):
    # An earlier transactional test's flush re-creates content types under new ids; drop the cached ones.
    ContentType.objects.clear_cache()
    office = make_user(r.OFFICE)
    department = make_department("示例市备份测试局")
    attachment_add(actor=office, obj=department, uploaded=SimpleUploadedFile("证明.pdf", PDF))
    seal_pending(now=timezone.now() + timedelta(minutes=5))
    return office


def test_round_trip_restores_records_files_and_audit_chain(populated, tmp_path, make_department):
    before = snapshot()
    result = backup(tmp_path / "b1")
    assert result.files == 1
    manifest = json.loads((tmp_path / "b1" / "manifest.json").read_text())
    assert set(manifest["sha256"]) >= {manifest["database"], *(f"files/{n}" for n in manifest["files"])}

    make_department("示例市备份后新建局")
    default_storage.delete(next(iter(before["files"])))
    assert snapshot() != before

    restore(tmp_path / "b1")
    assert snapshot() == before
    assert verify_chain().ok
    call_command("verify_audit", "--no-seal")


def test_damaged_backup_is_refused_and_nothing_changes(populated, tmp_path, make_department):
    backup(tmp_path / "b1")
    manifest = json.loads((tmp_path / "b1" / "manifest.json").read_text())
    (tmp_path / "b1" / manifest["database"]).write_bytes(b"garbage")
    make_department("示例市备份后新建局")
    before = snapshot()
    with pytest.raises(ValidationFailed, match="校验失败"):
        restore(tmp_path / "b1")
    assert snapshot() == before
