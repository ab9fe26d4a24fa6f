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
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert preview.context["untyped_units"] == ["市数据中心"] and not preview.context["can_commit"]
    refused = client.post(
        reverse("ledger:import_commit", args=[token]), {"digest": preview.context["digest"]}
    )
    assert "请为导入时新建的单位选择类型：市数据中心。" in refused.content.decode()
    assert not Department.objects.filter(name="市数据中心").exists() and Task.objects.count() == 0
    client.post(
        reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "new", "kind": "sub"}
    )
    digest = client.get(reverse("ledger:import_preview", args=[token])).context["digest"]
    client.post(reverse("ledger:import_commit", args=[token]), {"digest": digest})
    assert Department.objects.filter(name="市数据中心", kind="sub", in_assessment=False).exists()
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
    assert (
        "《分工方案.xlsx》的预览已过期（超过 24 小时未确认），请重新上传文件。" in response.content.decode()
    )
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


UNKNOWN_UNITS = [
    ROWS[0],
    ROWS[1],
    [1, "企业开办全程网办。", "市数据局", "市大数据中心、市政务服务中心", "2026年6月底前"],
]


def test_create_all_unknown_units_as_new_in_one_action_then_set_their_type(city, office_user, login):
    client = login(office_user)
    token = token_of(upload(client, data=files.xlsx(UNKNOWN_UNITS)))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    # Type-ahead boxes over the department list instead of long multi-selects.
    assert 'list="import-departments"' in page and '<datalist id="import-departments">' in page
    assert "multiple" not in page
    client.post(reverse("ledger:import_map", args=[token]), {"action": "create_all", "kind": "sub"})
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert preview.context["unknown"] == []
    assert sorted(preview.context["created_units"]) == [
        ("市大数据中心", "sub"),
        ("市政务服务中心", "sub"),
        ("市数据局", "sub"),
    ]
    client.post(reverse("ledger:import_map", args=[token]), {"action": "set_kind", "kind": "city"})
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert {kind for _name, kind in preview.context["created_units"]} == {"city"}
    assert preview.context["can_commit"]
    client.post(reverse("ledger:import_commit", args=[token]), {"digest": preview.context["digest"]})
    created = Department.objects.filter(name__in=["市数据局", "市大数据中心", "市政务服务中心"])
    assert sorted(created.values_list("kind", "in_assessment")) == [("city", False)] * 3


def test_type_ahead_maps_a_unit_by_the_name_chosen(city, office_user, login):
    client = login(office_user)
    token = token_of(upload(client))
    client.post(reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "示例市财政局"})
    assert staging.load(office_user, token).mapping == {"市数据中心": "CZJ"}
    refused = client.post(
        reverse("ledger:import_map", args=[token]), {"unit": "市数据中心", "target": "不存在的局"}
    )
    assert "单位库中没有“不存在的局”" in refused.content.decode()
    assert staging.load(office_user, token).mapping == {"市数据中心": "CZJ"}


def test_preview_warns_about_past_deadlines_and_imports_them_as_history(city, office_user, login):
    old = [
        ["示例市2016年优化营商环境实施方案"],
        ROWS[1],
        [1, "企业开办全程网办。", "市发改委", "市财政局", "2016年6月底前"],
        [2, "涉企收费专项治理。", "市财政局", "", "持续推进"],
    ]
    client = login(office_user)
    token = token_of(upload(client, data=files.xlsx(old)))
    page = client.get(reverse("ledger:import_preview", args=[token]))
    assert page.context["past_due_count"] == 1
    assert "有 1 条新任务的完成时限已过（早于今天）" in page.content.decode()
    assert (
        client.post(reverse("ledger:import_history", args=[token]), {"historical": "bogus"}).status_code
        == 404
    )
    client.post(reverse("ledger:import_history", args=[token]), {"historical": "done"})
    digest = client.get(reverse("ledger:import_preview", args=[token])).context["digest"]
    client.post(reverse("ledger:import_commit", args=[token]), {"digest": digest})
    assert sorted(Task.objects.values_list("serial", "state", "in_assessment")) == [
        ("1", "closed", False),
        ("2", "not_started", True),
    ]


def test_update_rows_show_chinese_field_labels_with_old_and_new_values(city, office_user, login):
    client = login(office_user)
    map_unknown_unit(client, token := token_of(upload(client)))
    client.post(
        reverse("ledger:import_commit", args=[token]),
        {"digest": client.get(reverse("ledger:import_preview", args=[token])).context["digest"]},
    )
    changed = [
        *ROWS[:2],
        [1, "企业开办全程网办。", "市发改委", "市财政局、市数据中心", "2026年9月底前"],
        ROWS[3],
    ]
    html = client.get(
        reverse("ledger:import_preview", args=[token_of(upload(client, data=files.xlsx(changed)))])
    )
    body = html.content.decode()
    assert "完成时限：2026年6月30日 → <span" in body and "2026年9月30日" in body
    assert "deadline" not in body and "serial" not in body


def test_upload_page_lists_open_previews_and_the_office_includes_a_created_unit(
    city, office_user, make_user, login
):
    from django.test import Client

    from yingshang.audit.models import AuditRecord

    token = token_of(upload(login(office_user)))
    unit = Department.objects.create(code="IMP001", name="市数据局", in_assessment=False)
    page = login(office_user, Client()).get(reverse("ledger:import_upload")).content.decode()
    assert reverse("ledger:import_preview", args=[token]) in page  # resumable from another session
    assert "市数据局" in page and "纳入考核" in page
    liaison = login(make_user(r.LIAISON), Client())
    assert liaison.post(reverse("ledger:import_include_unit", args=[unit.pk])).status_code == 403
    unit.refresh_from_db()
    assert unit.in_assessment is False
    client = login(office_user)
    assert client.post(reverse("ledger:import_include_unit", args=[unit.pk])).status_code == 302
    unit.refresh_from_db()
    assert unit.in_assessment is True
    assert AuditRecord.objects.filter(action="department.update", object_id=str(unit.pk)).count() == 1


def test_preview_says_which_columns_were_read_by_content_and_shows_row_notes(city, office_user, login):
    client = login(office_user)
    rows = [
        [TITLE],
        ["编号", "要做的事", "谁牵头", "谁配合", "什么时候"],
        [1, "企业开办全程网办，一日办结。", "市发改委", "市发改委、市财政局", "待定"],
        [2, "涉企收费专项治理。", "市财政局", None, "2026年6月底前"],
    ]
    token = token_of(upload(client, files.xlsx(rows)))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "工作表“任务分工”：各列的识别" in page
    assert "B 列 = 任务/具体措施（按内容识别）" in page
    assert "A 列 = 序号</span>" in page  # 编号 is a header name: read by name, said without a mark
    assert "第3行“市发改委”既是牵头单位又列在 D 列“谁配合”中，按牵头单位导入。" in page
    assert "第3行 E 列“什么时候”写的是“待定”，按没有完成时限的长期任务导入。" in page


def test_preview_of_a_table_named_by_its_header_adds_nothing(city, office_user, login):
    client = login(office_user)
    token = token_of(upload(client))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "各列的识别" not in page
