from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ValidationFailed
from yingshang.core.models import OfficeSetting
from yingshang.core.office_settings import (
    REGISTRY,
    SettingDefinition,
    define,
    get_setting,
    office_setting_change,
    settings_in_force,
)
from yingshang.org import roles as r


def _def(kind, **kw):
    return SettingDefinition("t", "测试项", None, kind, "测试", **kw)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("int", " 12 ", 12),
        ("decimal", "0.85", 0.85),
        ("bool", "on", True),
        ("bool", "是", True),
        ("bool", "0", False),
        ("time", "9:05", "09:05"),
        ("json", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("str", 5, "5"),
    ],
)
def test_coerce(kind, raw, value):
    assert _def(kind).coerce(raw) == value


@pytest.mark.parametrize(
    ("definition", "raw", "message"),
    [
        (_def("int"), "abc", "“测试项”的取值无效。"),
        (_def("time"), "25:00", "“测试项”的取值无效。"),
        (_def("json"), "{bad", "“测试项”的取值无效。"),
        (_def("choice", choices=(("a", "甲"),)), "b", "“测试项”的取值无效。"),
        (_def("int", minimum=1), "0", "“测试项”不能小于 1。"),
        (_def("decimal", maximum=1), "1.5", "“测试项”不能大于 1。"),
    ],
)
def test_coerce_refusals(definition, raw, message):
    with pytest.raises(ValidationFailed) as exc:
        definition.coerce(raw)
    assert exc.value.message == message and list(exc.value.fields) == ["t"]


def test_define_rejects_unknown_kind():
    with pytest.raises(ValueError):
        define("core_test_bad", "坏", 1, kind="float", group="测试")
    assert "core_test_bad" not in REGISTRY


def test_value_in_force_at_a_past_time(db, office_user):
    assert get_setting("upload_max_mb") == 20
    now = timezone.now()
    office_setting_change(
        actor=office_user, key="upload_max_mb", raw_value="30", effective_from=now - timedelta(days=10)
    )
    office_setting_change(
        actor=office_user, key="upload_max_mb", raw_value="50", effective_from=now - timedelta(days=2)
    )
    assert get_setting("upload_max_mb", now - timedelta(days=11)) == 20
    assert get_setting("upload_max_mb", now - timedelta(days=5)) == 30
    assert get_setting("upload_max_mb") == 50
    assert settings_in_force(now - timedelta(days=5), ["upload_max_mb"]) == {"upload_max_mb": 30}
    records = AuditRecord.objects.filter(action="office_setting.change").order_by("id")
    assert [(a.before, a.after) for a in records] == [
        ({"upload_max_mb": 20}, {"upload_max_mb": 30}),
        ({"upload_max_mb": 30}, {"upload_max_mb": 50}),
    ]
    assert all(a.actor_id == office_user.pk for a in records)


def test_refused_change_saves_nothing(db, office_user):
    with pytest.raises(ValidationFailed):
        office_setting_change(actor=office_user, key="upload_max_mb", raw_value="999")
    with pytest.raises(ValidationFailed):
        office_setting_change(actor=office_user, key="no_such_key", raw_value="1")
    assert not OfficeSetting.objects.exists()
    assert not AuditRecord.objects.filter(action="office_setting.change").exists()


def test_page_only_for_the_office(client, login, make_user, office_user):
    for role in [r.LIAISON, r.SYSADMIN, r.AUDITOR, r.LEADER]:
        login(make_user(role))
        assert client.get(reverse("core:office_settings")).status_code == 403
        assert (
            client.post(reverse("core:office_settings"), {"key": "upload_max_mb", "value": "5"}).status_code
            == 403
        )
        client.logout()
    assert not OfficeSetting.objects.exists()
    login(office_user)
    page = client.get(reverse("core:office_settings"))
    assert page.status_code == 200 and "上传文件大小上限（MB）" in page.content.decode()
    response = client.post(
        reverse("core:office_settings"), {"key": "upload_max_mb", "value": "0", "note": "x"}
    )
    assert "不能小于 1" in response.content.decode()
    response = client.post(
        reverse("core:office_settings"), {"key": "upload_max_mb", "value": "8", "note": "压缩存储"}
    )
    assert response.status_code == 302
    assert get_setting("upload_max_mb") == 8
    assert OfficeSetting.objects.get().note == "压缩存储"
