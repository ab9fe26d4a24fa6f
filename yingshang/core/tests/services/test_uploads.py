import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ValidationFailed
from yingshang.core.models import Attachment
from yingshang.core.office_settings import office_setting_change
from yingshang.core.uploads import ATTACHMENT_ACCESS, attachment_add, attachments_for, check_upload
from yingshang.org import roles as r

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _file(name, content):
    return SimpleUploadedFile(name, content)


def test_allowed_types_by_content(db):
    assert check_upload(_file("报告.pdf", PDF)) == "application/pdf"
    assert check_upload(_file("照片.PNG", PNG)) == "image/png"


def test_renamed_executable_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        check_upload(_file("报告.pdf", b"MZ\x90\x00\x03" + b"\x00" * 40))
    assert exc.value.message == "文件“报告.pdf”的内容与扩展名不符，已拒收。"


def test_extension_not_allowed():
    with pytest.raises(ValidationFailed, match=r"不支持“a\.exe”的文件类型"):
        check_upload(_file("a.exe", b"MZ"))
    with pytest.raises(ValidationFailed, match="请上传 pdf 格式"):
        check_upload(_file("a.png", PNG), allowed={".pdf"})


def test_oversize_refused_by_office_setting(db, office_user):
    office_setting_change(actor=office_user, key="upload_max_mb", raw_value="1")
    big = _file("大.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationFailed, match="超过 1 MB 的上限"):
        check_upload(big)
    with pytest.raises(ValidationFailed, match="超过 0 MB 的上限"):
        check_upload(_file("b.pdf", PDF), max_bytes=10)


def test_attachment_stored_under_sha256_and_audited(db, make_department, make_user):
    item = make_department()
    user = make_user(r.OFFICE)
    attachment = attachment_add(actor=user, obj=item, uploaded=_file("证明.pdf", PDF))
    digest = hashlib.sha256(PDF).hexdigest()
    assert attachment.sha256 == digest and attachment.size == len(PDF)
    assert attachment.mime_type == "application/pdf" and attachment.original_name == "证明.pdf"
    assert digest in attachment.file.name
    assert attachment.file.open("rb").read() == PDF
    assert list(attachments_for(item)) == [attachment]
    audit = AuditRecord.objects.get(action="attachment.add")
    assert audit.after == {"item": f"org.department:{item.pk}", "sha256": digest, "size": len(PDF)}


def test_refused_upload_stores_nothing(db, make_department):
    with pytest.raises(ValidationFailed):
        attachment_add(actor=None, obj=make_department(), uploaded=_file("x.pdf", b"not a pdf"))
    assert not Attachment.objects.exists()


def test_download_goes_through_the_registered_predicate(
    client, login, make_department, make_user, monkeypatch
):
    mine, other = make_department(), make_department()
    owner = make_user(r.LIAISON, department=mine)
    stranger = make_user(r.LIAISON, department=other)
    attachment = attachment_add(actor=owner, obj=mine, uploaded=_file("证明.pdf", PDF))
    url = reverse("core:attachment", args=[attachment.pk])
    login(owner)
    assert client.get(url).status_code == 404  # no predicate registered for departments: nobody
    monkeypatch.setitem(ATTACHMENT_ACCESS, "org.department", lambda user, item: user.department_id == item.pk)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    client.logout()
    login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:attachment", args=[attachment.pk + 1000])).status_code == 404
    assert AuditRecord.objects.filter(action="attachment.download").count() == 1
