"""The hotline import's preview is a database row owned by the uploader: the confirm may land on another worker
(whose cache is empty) or come from another browser session of the same user, never from someone else, never
after expiry, and never imports twice."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yingshang.appeals.models import Appeal
from yingshang.core.models import StagedImport
from yingshang.org import roles as r

FILE = (
    "工单编号,受理时间,企业名称,联系人,联系电话,诉求类型,诉求内容\n"
    "RX1,2026-09-30 15:00,示例甲公司,张三,13911110000,投诉,办理施工许可多次被要求补充同样的材料\n"
    "RX2,2026-10-08 09:30,示例乙公司,李四,13911110001,咨询,咨询高新技术企业认定的申报时间\n"
)


def _preview(c):
    response = c.post(reverse("appeals:import"), {"file": SimpleUploadedFile("导出.csv", FILE.encode())})
    assert response.status_code == 200
    mapping = {f"map_{k}": ("" if v is None else v) for k, v in response.context["mapping"].items()}
    return response.context["token"], mapping


def _confirm(c, token, mapping):
    return c.post(reverse("appeals:import"), {"step": "confirm", "token": token, **mapping})


def test_confirm_from_another_session_on_another_worker_imports(login, office_user):
    token, mapping = _preview(login(office_user))
    cache.clear()  # the confirm reaches a worker whose per-process cache never saw the preview
    response = _confirm(login(office_user, Client()), token, mapping)
    assert response.status_code == 302
    assert sorted(Appeal.objects.values_list("external_id", flat=True)) == ["RX1", "RX2"]


def test_confirm_by_another_user_is_404_and_imports_nothing(login, office_user, make_user):
    token, mapping = _preview(login(office_user))
    other = make_user(r.OFFICE, username="office-two")
    response = _confirm(login(other, Client()), token, mapping)
    assert response.status_code == 404
    assert Appeal.objects.count() == 0
    assert StagedImport.objects.get(token=token).consumed_at is None


def test_confirm_after_expiry_says_so_and_imports_nothing(login, office_user):
    c = login(office_user)
    token, mapping = _preview(c)
    StagedImport.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _confirm(c, token, mapping)
    assert response.status_code == 302 and response["Location"] == reverse("appeals:import")
    page = c.get(response["Location"]).content.decode()
    assert "《导出.csv》的预览已过期（超过 24 小时未确认），请重新上传文件。" in page
    assert Appeal.objects.count() == 0


def test_confirmed_twice_imports_once(login, office_user):
    c = login(office_user)
    token, mapping = _preview(c)
    assert _confirm(c, token, mapping).status_code == 302
    second_session = login(office_user, Client())
    again = _confirm(second_session, token, mapping)
    assert again.status_code == 302
    assert "《导出.csv》已于" in second_session.get(again["Location"]).content.decode()
    assert Appeal.objects.count() == 2
    staged = StagedImport.objects.get(token=token)
    assert staged.payload == {} and bytes(staged.content) == b""  # the phone numbers are not kept


def test_refused_import_keeps_the_preview_for_a_corrected_mapping(login, office_user):
    c = login(office_user)
    token, mapping = _preview(c)
    refused = _confirm(c, token, {**mapping, "map_description": ""})
    assert refused.status_code == 422 and "诉求内容" in refused.content.decode()
    assert Appeal.objects.count() == 0
    assert _confirm(c, token, mapping).status_code == 302
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_expired_previews_are_purged_by_the_scheduled_job(office_user):
    from yingshang.core import staging
    from yingshang.core.jobs import purge_expired_staged_imports
    from yingshang.core.schedule import PERIODIC_JOBS

    assert any(j.task == "yingshang.core.jobs.purge_expired_staged_imports" for j in PERIODIC_JOBS)
    old = staging.stage(actor=office_user, kind="hotline", file_name="旧.csv", payload={"rows": []})
    fresh = staging.stage(actor=office_user, kind="hotline", file_name="新.csv", payload={"rows": []})
    StagedImport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert purge_expired_staged_imports.call() == 1
    assert list(StagedImport.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.django_db
def test_only_the_newest_open_previews_of_a_user_are_kept(office_user):
    from yingshang.core import staging

    tokens = [
        staging.stage(actor=office_user, kind="hotline", file_name=f"{i}.csv", payload={}).token
        for i in range(7)
    ]
    kept = set(StagedImport.objects.values_list("token", flat=True))
    assert kept == set(tokens[-staging.KEEP_PER_OWNER :])
