"""Finding 12.12 as an attacker meets it: control characters at the public door, out-of-range list
parameters, and hostile files at every door that takes one. Each refusal is checked together with what did
not happen: no appeal, no attachment, nothing staged, no reader reached."""

import io
import json
import zipfile
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yingshang.appeals.models import Appeal
from yingshang.core.models import Attachment, StagedImport
from yingshang.core.tests.proof.walk import all_url_names, client_for, url_params
from yingshang.core.tests.proof.world import build_world, credit_code
from yingshang.org import services as org_services
from yingshang.org.models import Department

FORM = {
    "enterprise_name": "丙制造有限公司",
    "credit_code": credit_code(103),
    "contact_name": "李经理",
    "contact_phone": "13712345678",
    "category": "help",
    "title": "园区供水压力不足",
    "description": "园区供水压力长期不足，影响生产，请求协调解决。",
    "consent": "on",
}
CONTROLS = "\x00\x07\x0b\x1b\x7f\x85\x9f"


@pytest.fixture
def world(db):
    return build_world()


# ---- control characters ---------------------------------------------------------------------------


def test_control_characters_are_removed_at_the_public_form_and_the_export_works(world, client):
    typed = {
        **FORM,
        "title": f"供水{CONTROLS}压力",
        "description": f"第一行\t说明{CONTROLS}\n第二行",
        "contact_name": f"李{CONTROLS}经理",
    }
    response = client.post(reverse("appeals:submit"), typed)
    assert response.status_code == 302
    appeal = Appeal.objects.latest("pk")
    assert (appeal.title, appeal.contact_name) == ("供水压力", "李经理")
    assert appeal.description == "第一行\t说明\n第二行"  # line feed and tab are text, not controls
    export = client_for("office", world).get(reverse("appeals:export"))
    assert export.status_code == 200
    titles = [
        row[3]
        for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    ]
    assert "供水压力" in titles


def test_a_field_of_only_control_characters_counts_as_empty(world, client):
    before = Appeal.objects.count()
    response = client.post(reverse("appeals:submit"), {**FORM, "contact_name": "\x1b\x07"})
    assert "请填写联系人" in response.content.decode()
    assert Appeal.objects.count() == before


def test_the_api_cleans_control_characters_too(world):
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="intake")
    payload = {k: v for k, v in FORM.items() if k != "consent"} | {"title": f"接口{CONTROLS}诉求"}
    response = Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "intake-1"}).post(
        "/api/appeals/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    assert Appeal.objects.latest("pk").title == "接口诉求"


def test_an_export_escapes_control_characters_stored_before_the_door_cleaned_them(world, client):
    """Rows written before this fix (or by an import) still hold control characters: the one export helper
    removes them instead of failing the whole file."""
    client.post(reverse("appeals:submit"), {**FORM, "title": "旧数据"})
    Appeal.objects.filter(title="旧数据").update(title=f"旧{CONTROLS[1:]}数据")
    export = client_for("office", world).get(reverse("appeals:export"))
    assert export.status_code == 200
    titles = [
        row[3]
        for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    ]
    assert "旧\x85\x9f数据" not in titles and any(
        t and t.startswith("旧") and t.endswith("数据") for t in titles
    )


# ---- list parameters ------------------------------------------------------------------------------

HOSTILE_PARAMETERS = [
    ("page", str(2**62)),
    ("year", "99999999"),
    ("year", "0"),
    ("quarter", "9"),
    ("start", "9999-99-99"),
    ("end", "2026-02-30"),
    ("date", "99999-01-01"),
    ("deadline_from", "9999-99-99"),
    ("department", "9999-99-99"),
]


def _list_urls() -> list[str]:
    # Every page and API list reachable with GET and no path argument; signing out is not a list.
    return sorted(reverse(n) for n in all_url_names() if not url_params(n) and not n.endswith("logout"))


def test_every_list_answers_out_of_range_parameters_with_a_clear_400(world):
    office = client_for("office", world)
    _, token = org_services.api_token_create(actor=None, user=world.users["office"], name="params")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    server_errors = []
    for url in _list_urls():
        c = api if url.startswith("/api/") else office
        for name, value in HOSTILE_PARAMETERS:
            response = c.get(f"{url}?{urlencode({name: value})}")
            if response.status_code != 400:
                server_errors.append((url, name, value, response.status_code))
                continue
            if url.startswith("/api/"):
                assert set(response.json()) == {"code", "message", "fields"}
                text = response.json()["message"]
            else:
                text = response.content.decode()
            assert "请求参数无效" in text and f"“{name}”" in text, (url, name)
    assert server_errors == []


@pytest.mark.parametrize(
    "query",
    [
        "year=2026&quarter=1",
        "start=2026-01-01&end=2026-03-31",
        "page=2",
        "start=2026-01-01T08:30",
        "q=13712345678",
    ],
)
def test_ordinary_parameters_still_pass(world, query):
    office = client_for("office", world)
    for url in ("/appeals/", "/appeals/rates/", "/ledger/", "/supervision/cases/"):
        assert office.get(f"{url}?{query}").status_code == 200, (url, query)
    auditor = client_for("auditor", world)
    assert auditor.get(f"/audit/?{query}").status_code == 200, query


# ---- files -----------------------------------------------------------------------------------------


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["工单编号", "企业名称", "诉求内容"])
    wb.active.append(["R1", "甲科技有限公司", "道路破损。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, extra: dict[str, bytes] | None = None, inflate: str | None = None) -> bytes:
    """`data` (a ZIP-based office file) with members added, or with member `inflate` replaced by 64 MB of one
    repeated byte (compressed to about 64 KB: a ratio no real document reaches)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in source.infolist():
            if item.filename == inflate:
                info = zipfile.ZipInfo(item.filename)
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w") as member:
                    for _ in range(64):
                        member.write(b"A" * (1024 * 1024))
            else:
                dst.writestr(item, source.read(item.filename))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("现场情况说明")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "营业执照.pdf",
            b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>",
            "网页代码",
        ),
        ("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"<svg onload=alert(1)>", "网页代码"),
        ("台账.xlsx", rezip(workbook(), {"xl/vbaProject.bin": b"\xcc" * 256}), "宏代码"),
        (
            "说明.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "_VBA_PROJECT".encode("utf-16-le"),
            "宏代码",
        ),
        ("说明.docx", rezip(docx(), {"word/media/setup.exe": PE}), "可执行程序"),
        ("说明.docx", rezip(docx(), {"word/media/image1.png": PE}), "可执行程序"),
        ("台账.xlsx", rezip(workbook(), {"xl/media/tool": ELF}), "可执行程序"),
        ("台账.xlsx", rezip(workbook(), inflate="xl/worksheets/sheet1.xml"), "解压后过大"),
    ],
    ids=[
        "pdf-html-polyglot",
        "png-svg-polyglot",
        "vba-in-xlsx",
        "vba-in-doc",
        "exe-in-docx",
        "pe-renamed-in-docx",
        "elf-in-xlsx",
        "zip-bomb",
    ],
)
def test_appeal_attachments_refuse_hostile_files(world, client, name, data, message):
    appeals, attachments = Appeal.objects.count(), Attachment.objects.count()
    response = client.post(reverse("appeals:submit"), {**FORM, "attachments": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Appeal.objects.count(), Attachment.objects.count()) == (appeals, attachments)


def test_ordinary_attachments_are_still_accepted(world, client):
    files = [
        SimpleUploadedFile("说明.docx", docx()),
        SimpleUploadedFile("台账.xlsx", workbook()),
        SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
    ]
    response = client.post(reverse("appeals:submit"), {**FORM, "attachments": files})
    assert response.status_code == 302
    assert Attachment.objects.count() == 3


def test_hotline_import_refuses_a_zip_bomb_before_reading_it(world, monkeypatch):
    def reached(*args, **kwargs):
        raise AssertionError("the workbook reader was reached: the zip bomb was not refused beforehand")

    monkeypatch.setattr(openpyxl, "load_workbook", reached)
    bomb = rezip(workbook(), inflate="xl/worksheets/sheet1.xml")
    appeals, staged = Appeal.objects.count(), StagedImport.objects.count()
    response = client_for("office", world).post(
        reverse("appeals:import"), {"file": SimpleUploadedFile("热线工单.xlsx", bomb)}
    )
    assert response.status_code == 422 and "解压后过大" in response.content.decode()
    assert (Appeal.objects.count(), StagedImport.objects.count()) == (appeals, staged)


def test_department_import_refuses_a_zip_bomb_before_reading_it(world, monkeypatch):
    import yingshang.org.imports as org_imports

    def reached(*args, **kwargs):
        raise AssertionError("the workbook reader was reached: the zip bomb was not refused beforehand")

    monkeypatch.setattr(org_imports, "load_workbook", reached)
    template = client_for("sysadmin", world).get(
        reverse("org:import_template", kwargs={"kind": "department"})
    )
    bomb = rezip(template.content, inflate="xl/worksheets/sheet1.xml")
    departments, staged = Department.objects.count(), StagedImport.objects.count()
    c = client_for("sysadmin", world)
    response = c.post(
        reverse("org:import", kwargs={"kind": "department"}), {"file": SimpleUploadedFile("单位.xlsx", bomb)}
    )
    assert "解压后过大" in response.content.decode()
    assert Department.objects.count() == departments
    assert StagedImport.objects.count() == staged  # nothing waits for a commit
