"""Two confirmations of one hotline preview at the same moment (a double click, two tabs, two workers): one
imports, the other is told it was already imported. Needs a database several connections share: runs on
PostgreSQL, skipped on the in-memory SQLite test database."""

from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yingshang.appeals.models import Appeal
from yingshang.core.tests.proof.concurrent import needs_shared_database, run_together

from .test_import_staging import _confirm

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROUNDS = 3
HEADER = "工单编号,受理时间,企业名称,联系人,联系电话,诉求类型,诉求内容\n"


def test_two_simultaneous_confirms_import_once(login, office_user):
    needs_shared_database()
    for n in range(ROUNDS):
        rows = (
            f"RX{n},2026-09-30 15:00,示例甲公司,张三,13911110000,投诉,办理施工许可多次被要求补充同样的材料\n"
        )
        file = SimpleUploadedFile("导出.csv", (HEADER + rows).encode())
        preview = login(office_user, Client()).post(reverse("appeals:import"), {"file": file})
        token = preview.context["token"]
        mapping = {f"map_{k}": ("" if v is None else v) for k, v in preview.context["mapping"].items()}
        clients = [login(office_user, Client()) for _ in range(2)]
        results = run_together([partial(_confirm, c, token, mapping) for c in clients])
        assert not [r for r in results if isinstance(r, Exception)], results
        locations = sorted(r["Location"] for r in results)
        assert locations == sorted(
            [reverse("appeals:import"), reverse("appeals:list") + "?source=hotline"]
        ), n
        assert Appeal.objects.filter(external_id=f"RX{n}").count() == 1
