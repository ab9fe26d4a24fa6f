from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.audit.models import AuditRecord
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
    sha = response.context["sha256"]
    response = client.post(reverse("org:import_commit", args=["department"]), {"sha256": sha})
    assert "已导入 1 条" in response.content.decode()
    assert Department.objects.filter(code="HX").count() == 1
    # The same form posted again does nothing.
    response = client.post(reverse("org:import_commit", args=["department"]), {"sha256": sha}, follow=True)
    assert "没有待导入的文件" in response.content.decode()
    assert Department.objects.filter(code="HX").count() == 1
    assert AuditRecord.objects.filter(action="department.import").count() == 1


def test_preview_with_errors_offers_no_commit(client, login, make_user):
    login(make_user(r.SYSADMIN))
    content = xlsx([USER_HEADER, ["a", "甲", "", "", "NOPE", ""], ["a", "乙", "", "", "", ""]])
    response = client.post(reverse("org:import", args=["user"]), {"file": _upload(content, "u.xlsx")})
    body = response.content.decode()
    assert "发现 2 处问题" in body and "单位“NOPE”不存在" in body and "与第 2 行的账号“a”重复" in body
    assert "确认导入</button>" not in body
    response = client.post(reverse("org:import_commit", args=["user"]), {"sha256": ""}, follow=True)
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
