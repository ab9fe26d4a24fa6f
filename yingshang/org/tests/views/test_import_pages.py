from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditRecord
from yingshang.core.models import StagedImport
from yingshang.org import roles as r
from yingshang.org.models import Department, User
from yingshang.org.tests.xlsx import DEPT_HEADER, USER_HEADER, xlsx


def _upload(content: bytes, name="d.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_preview_then_commit_once(client, login, make_user):
    login(make_user(r.SYSADMIN))
    content = xlsx([DEPT_HEADER, ["HX", "示例市海新区人民政府", "海新区", "", "区县", "", 1]])
    response = client.post(reverse("org:import", args=["department"]), {"file": _upload(content)})
    assert "检查通过，共 1 行" in response.content.decode()
    assert not Department.objects.filter(code="HX").exists()
    token = response.context["token"]
    response = client.post(reverse("org:import_commit", args=["department"]), {"token": token})
    assert "已导入 1 条" in response.content.decode()
    assert Department.objects.filter(code="HX").count() == 1
    # The same form posted again does nothing.
    response = client.post(reverse("org:import_commit", args=["department"]), {"token": token}, follow=True)
    assert "《d.xlsx》已于" in response.content.decode() and "不会重复导入" in response.content.decode()
    assert Department.objects.filter(code="HX").count() == 1
    assert AuditRecord.objects.filter(action="department.import").count() == 1


def test_preview_with_errors_offers_no_commit(client, login, make_user):
    login(make_user(r.SYSADMIN))
    content = xlsx(
        [
            USER_HEADER,
            ["a", "甲", "", "a@example.gov.cn", "NOPE", ""],
            ["a", "乙", "", "a@example.gov.cn", "", ""],
        ]
    )
    response = client.post(reverse("org:import", args=["user"]), {"file": _upload(content, "u.xlsx")})
    body = response.content.decode()
    assert "发现 2 处问题" in body and "单位“NOPE”不存在" in body and "与第 2 行的账号“a”重复" in body
    assert "确认导入</button>" not in body
    assert response.context["token"] == ""
    response = client.post(reverse("org:import_commit", args=["user"]), {"token": ""})
    assert response.status_code == 404
    assert not User.objects.filter(username="a").exists()


def test_non_xlsx_refused(client, login, make_user):
    login(make_user(r.SYSADMIN))
    response = client.post(reverse("org:import", args=["user"]), {"file": _upload(b"MZ\x90\x00", "u.xlsx")})
    assert "不是有效的 .xlsx" in response.content.decode()


def test_template_download_and_access(client, login, make_user):
    login(make_user(r.SECADMIN))
    assert client.get(reverse("org:import_template", args=["user"])).status_code == 403
    assert client.get(reverse("org:import", args=["department"])).status_code == 403
    client.logout()
    login(make_user(r.SYSADMIN))
    response = client.get(reverse("org:import_template", args=["user"]))
    assert response.status_code == 200 and response.content[:4] == b"PK\x03\x04"
    assert client.get(reverse("org:import", args=["nothing"])).status_code == 404


def test_preview_resumed_in_another_session_of_the_same_user(client, login, make_user):
    admin = make_user(r.SYSADMIN)
    content = xlsx([DEPT_HEADER, ["HX", "示例市海新区人民政府", "海新区", "", "区县", "", 1]])
    token = (
        login(admin)
        .post(reverse("org:import", args=["department"]), {"file": _upload(content)})
        .context["token"]
    )
    other_session = login(admin, Client())
    reopened = other_session.get(reverse("org:import", args=["department"]), {"token": token})
    assert "检查通过，共 1 行" in reopened.content.decode() and reopened.context["token"] == token
    done = other_session.post(reverse("org:import_commit", args=["department"]), {"token": token})
    assert "已导入 1 条" in done.content.decode()
    assert Department.objects.filter(code="HX").count() == 1


def test_another_administrator_cannot_see_or_confirm_the_preview(client, login, make_user):
    content = xlsx([USER_HEADER, ["zhangsan", "张三", "", "z@example.gov.cn", "", ""]])
    token = (
        login(make_user(r.SYSADMIN))
        .post(reverse("org:import", args=["user"]), {"file": _upload(content, "u.xlsx")})
        .context["token"]
    )
    intruder = login(make_user(r.SYSADMIN), Client())
    assert intruder.get(reverse("org:import", args=["user"]), {"token": token}).status_code == 404
    assert intruder.post(reverse("org:import_commit", args=["user"]), {"token": token}).status_code == 404
    assert not User.objects.filter(username="zhangsan").exists()
    assert StagedImport.objects.get(token=token).consumed_at is None


def test_expired_preview_says_so_and_imports_nothing(client, login, make_user):
    c = login(make_user(r.SYSADMIN))
    content = xlsx([DEPT_HEADER, ["HX", "示例市海新区人民政府", "海新区", "", "区县", "", 1]])
    token = c.post(reverse("org:import", args=["department"]), {"file": _upload(content)}).context["token"]
    StagedImport.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = c.post(reverse("org:import_commit", args=["department"]), {"token": token}, follow=True)
    assert "《d.xlsx》的预览已过期（超过 24 小时未确认），请重新上传文件。" in response.content.decode()
    assert not Department.objects.filter(code="HX").exists()
