"""The import pages: office only; upload → preview → map unknown units / assign categories → commit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.core.models import StagedImport
from yingshang.core.uploads import attachments_for
from yingshang.ledger.importing import staging
from yingshang.ledger.models import PolicyDocument, Task
from yingshang.org import roles as r
from yingshang.org.models import Department

from . import files

pytestmark = pytest.mark.urls("yingshang.ledger.tests.importing.urls")

TITLE = "示例市2026年优化营商环境重点任务分工方案"
ROWS = [
    [TITLE],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [1, "企业开办全程网办。", "市发改委", "市财政局、市数据中心", "2026年6月底前"],
    [2, "涉企收费专项治理。", "市财政局", "各有关单位", "持续推进"],
]


@pytest.fixture
def city(db, make_department):
    make_department("示例市发展和改革委员会", short_name="市发改委", code="FGW")
    make_department("示例市财政局", short_name="市财政局", code="CZJ")


def upload(client, data=None, name="分工方案.xlsx", headers=None, **extra):
    file = SimpleUploadedFile(name, data if data is not None else files.xlsx(ROWS))
    return client.post(reverse("ledger:import_upload"), {"file": file, **extra}, headers=headers)


def token_of(response):
    return response["Location"].rstrip("/").split("/")[-1]


def map_unknown_unit(client, token):
    client.post(reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "FGW"})


@pytest.mark.parametrize("role", [r.LIAISON, r.DEPT_HEAD, r.LEADER, r.INSPECTOR])
def test_only_the_office_may_import(city, make_user, login, role):
    client = login(make_user(role))
    assert client.get(reverse("ledger:import_upload")).status_code == 403
    assert upload(client).status_code == 403
    assert PolicyDocument.objects.count() == 0


def test_upload_page(city, office_user, login):
    page = login(office_user).get(reverse("ledger:import_upload"))
    assert page.status_code == 200
    assert "导入任务分工方案" in page.content.decode()


def test_full_journey(city, office_user, login):
    client = login(office_user)
    response = upload(client)
    assert response.status_code == 302
    token = token_of(response)
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "市数据中心" in html and "未匹配" in html
    assert "单位“市数据中心”不在单位库中" in html
    # Committing with an unknown unit is refused and saves nothing.
    refused = client.post(reverse("ledger:import_commit", args=[token]))
    assert "未保存任何内容" in refused.content.decode()
    assert Task.objects.count() == 0
    # Map it to an existing department; assign a category to every row.
    client.post(reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "FGW"})
    client.post(reverse("ledger:import_categories", args=[token]), {"default_category": "market"})
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert "不在单位库中" not in preview.content.decode()
    done = client.post(reverse("ledger:import_commit", args=[token]), {"digest": preview.context["digest"]})
    document = PolicyDocument.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("ledger:document", args=[document.pk])
    assert document.title == TITLE
    assert [a.original_name for a in attachments_for(document)] == ["分工方案.xlsx"]
    assert Task.objects.count() == 2
    assert set(Task.objects.values_list("category__code", flat=True)) == {"market"}
    # The mapping is remembered as an alias: the same file now matches without help.
    assert "市数据中心" in Department.objects.get(code="FGW").aliases
    again = client.get(reverse("ledger:import_preview", args=[token_of(upload(client))]))
    assert "不在单位库中" not in again.content.decode()
    assert "不变" in again.content.decode()


def test_create_unknown_unit_on_commit(city, office_user, login):
    client = login(office_user)
    token = token_of(upload(client))
    client.post(reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "new"})
    digest = client.get(reverse("ledger:import_preview", args=[token])).context["digest"]
    client.post(reverse("ledger:import_commit", args=[token]), {"digest": digest})
    assert Department.objects.filter(name="市数据中心").exists()
    assert Task.objects.count() == 2


def test_bad_file_shows_a_message_and_saves_nothing(city, office_user, login):
    client = login(office_user)
    response = upload(client, data=files.encrypted_ooxml())
    assert response.status_code == 422
    assert "设置了打开密码" in response.content.decode()
    response = upload(client, data=files.xlsx(ROWS), name="分工方案.xlsm")
    assert "含宏的文件" in response.content.decode()
    assert PolicyDocument.objects.count() == 0


def test_htmx_upload_redirects_with_a_header(city, office_user, login):
    client = login(office_user)
    response = upload(client, headers={"HX-Request": "true"})
    assert response.status_code == 204 and "/ledger/import/" in response["HX-Redirect"]
    fragment = client.post(
        reverse("ledger:import_upload"),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF")},
        headers={"HX-Request": "true"},
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and "不支持“x.pdf”的文件类型" in html


def test_another_users_token_is_not_found(city, office_user, make_user, login, client):
    token = token_of(upload(login(office_user)))
    other = make_user(r.OFFICE)
    from django.test import Client

    second = login(other, Client())
    assert second.get(reverse("ledger:import_preview", args=[token])).status_code == 404


def test_cancel_removes_the_staged_import(city, office_user, login):
    from django.core.files.storage import default_storage

    client = login(office_user)
    token = token_of(upload(client))
    staged = staging.load(office_user, token)
    assert default_storage.exists(staged.parse_path)
    client.post(reverse("ledger:import_cancel", args=[token]))
    assert not StagedImport.objects.filter(token=token).exists()
    assert not default_storage.exists(staged.parse_path)
    assert client.get(reverse("ledger:import_preview", args=[token])).status_code == 404


def test_preview_resumed_and_committed_from_another_session(city, office_user, login):
    from django.core.files.storage import default_storage
    from django.test import Client

    token = token_of(upload(login(office_user)))
    second = login(office_user, Client())
    map_unknown_unit(second, token)
    default_storage.delete(staging.load(office_user, token).parse_path)  # the parse cache is not required
    preview = second.get(reverse("ledger:import_preview", args=[token]))
    assert preview.status_code == 200 and preview.context["counts"]["created"] == 2
    done = second.post(reverse("ledger:import_commit", args=[token]), {"digest": preview.context["digest"]})
    assert done.status_code == 302
    assert Task.objects.count() == 2


def test_another_user_cannot_commit_and_nothing_is_imported(city, office_user, make_user, login):
    from django.test import Client

    token = token_of(upload(login(office_user)))
    intruder = login(make_user(r.OFFICE), Client())
    assert intruder.post(reverse("ledger:import_commit", args=[token])).status_code == 404
    assert intruder.post(reverse("ledger:import_cancel", args=[token])).status_code == 404
    assert PolicyDocument.objects.count() == 0 and Task.objects.count() == 0
    assert StagedImport.objects.get(token=token).consumed_at is None


def test_expired_preview_says_so_and_imports_nothing(city, office_user, login):
    from datetime import timedelta

    from django.utils import timezone

    client = login(office_user)
    token = token_of(upload(client))
    StagedImport.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("ledger:import_commit", args=[token]), follow=True)
    assert "《分工方案.xlsx》的预览已过期（超过 24 小时未确认），请重新上传文件。" in response.content.decode()
    assert PolicyDocument.objects.count() == 0 and Task.objects.count() == 0


def test_committed_twice_imports_once(city, office_user, login):
    client = login(office_user)
    token = token_of(upload(client))
    map_unknown_unit(client, token)
    digest = client.get(reverse("ledger:import_preview", args=[token])).context["digest"]
    assert client.post(reverse("ledger:import_commit", args=[token]), {"digest": digest}).status_code == 302
    again = client.post(reverse("ledger:import_commit", args=[token]), {"digest": digest}, follow=True)
    assert "《分工方案.xlsx》已于" in again.content.decode()
    assert PolicyDocument.objects.count() == 1 and Task.objects.count() == 2


def test_preview_query_count_does_not_grow_with_rows(city, office_user, login, django_assert_max_num_queries):
    client = login(office_user)
    many = [ROWS[0], ROWS[1]] + [[i, f"任务{i}", "市发改委", "市财政局", "2026年12月"] for i in range(1, 121)]
    token = token_of(upload(client, data=files.xlsx(many)))
    with django_assert_max_num_queries(25):
        page = client.get(reverse("ledger:import_preview", args=[token]))
    assert page.status_code == 200 and "第 1 / 2 页" in page.content.decode()


def test_purge_removes_only_stale_parse_caches(city, office_user, login, monkeypatch):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    client = login(office_user)
    staged = staging.load(office_user, token_of(upload(client)))
    assert staging.purge_stale(max_age_hours=24) == 0
    assert default_storage.exists(staged.parse_path)
    later = timezone.now() + timedelta(hours=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert staging.purge_stale(max_age_hours=24) >= 1
    assert not default_storage.exists(staged.parse_path)
