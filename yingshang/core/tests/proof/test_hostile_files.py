"""Hostile files at the two doors that take files: the ledger import (office) and the public appeal form
(attachments, no account). Each is refused with a clear Chinese message and nothing is stored: no staged
import, no document, no appeal, no attachment row, no file in storage."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.appeals.models import Appeal
from yingshang.core.models import Attachment, StagedImport
from yingshang.core.office_settings import get_setting
from yingshang.ledger.importing import readers, staging
from yingshang.ledger.models import PolicyDocument, Task

from .walk import client_for
from .world import build_world, credit_code

ROWS = [
    ["示例市2026年优化营商环境重点任务分工方案"],
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    [1, "企业开办全程网办。", "示例市甲局", "示例市乙局", "2026年6月底前"],
]
INFLATED_BYTES = 1024**3  # 1 GiB of sheet XML behind about 1 MB


def workbook(rows=ROWS) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_bomb: dict[str, bytes] = {}


def zip_bomb() -> bytes:
    """A valid-looking .xlsx whose first sheet inflates to 1 GiB (made in chunks: never held inflated)."""
    if "xlsx" not in _bomb:
        source = zipfile.ZipFile(io.BytesIO(workbook()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
            for item in source.infolist():
                if item.filename == "xl/worksheets/sheet1.xml":
                    info = zipfile.ZipInfo(item.filename)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with dst.open(info, "w", force_zip64=True) as sheet:
                        sheet.write(
                            b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>'
                        )
                        chunk = b"A" * (1024 * 1024)
                        for _ in range(INFLATED_BYTES // len(chunk)):
                            sheet.write(chunk)
                        sheet.write(b"</t></is></c></row></sheetData></worksheet>")
                else:
                    dst.writestr(item, source.read(item.filename))
        _bomb["xlsx"] = out.getvalue()
    return _bomb["xlsx"]


def with_vba(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in source.infolist():
            dst.writestr(item, source.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\xcc" * 256)
    return out.getvalue()


def stored_files() -> list[str]:
    try:
        return default_storage.listdir(staging.PREFIX)[1]
    except FileNotFoundError:
        return []


@pytest.fixture
def office(db):
    world = build_world()
    return client_for("office", world)


def _upload(client, name: str, data: bytes):
    return client.post("/ledger/import/", {"file": SimpleUploadedFile(name, data)})


def _assert_nothing_stored(before_tasks: int, before_files: list[str]):
    assert stored_files() == before_files
    assert not StagedImport.objects.exists()
    assert PolicyDocument.objects.count() == 1  # the world's own document only
    assert Task.objects.count() == before_tasks


def test_a_good_workbook_is_staged(office):
    """The control case: the same door accepts a well-formed workbook (so the refusals below mean something)."""
    files = stored_files()
    response = _upload(office, "分工方案.xlsx", workbook())
    assert response.status_code == 302, response.content.decode()[:500]
    assert len(stored_files()) == len(files) + 1  # its parse; the file itself is in the staged import
    assert StagedImport.objects.get().file_name == "分工方案.xlsx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("分工方案.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100, "已损坏或不是有效的"),
        ("分工方案.xlsx", workbook()[:-200], "已损坏或不是有效的"),
        ("分工方案.xlsx", b"%PDF-1.4 pretending to be a workbook", "已损坏或不是有效的"),
        ("分工方案.xlsx", b"MZ\x90\x00" + b"\x00" * 500, "已损坏或不是有效的"),
        ("分工方案.exe", b"MZ\x90\x00" + b"\x00" * 500, "不支持"),
        ("分工方案.xlsm", workbook(), "含宏的文件"),
        ("分工方案.xlsx", with_vba(workbook()), "含有宏代码"),
        ("分工方案.xlsx", b"", "空文件"),
    ],
    ids=["corrupt", "truncated", "pdf-as-xlsx", "exe-as-xlsx", "exe", "xlsm", "vba-inside-xlsx", "empty"],
)
def test_import_refuses_hostile_files(office, name, data, message):
    tasks, files = Task.objects.count(), stored_files()
    response = _upload(office, name, data)
    text = response.content.decode()
    assert response.status_code == 422
    assert message in text
    _assert_nothing_stored(tasks, files)


def test_import_refuses_a_file_over_the_limit_before_reading_it(office):
    limit = int(get_setting("ledger_import_max_mb")) * 1024 * 1024
    tasks, files = Task.objects.count(), stored_files()
    response = _upload(office, "分工方案.xlsx", workbook() + b"\x00" * limit)
    assert response.status_code == 422
    assert f"超过 {limit // (1024 * 1024)} MB 的上限" in response.content.decode()
    _assert_nothing_stored(tasks, files)


def test_formula_without_a_value_is_named_and_not_imported(office):
    rows = [
        *ROWS,
        [2, "涉企收费专项治理。", '=HYPERLINK("http://example.invalid","点击")', "", "2026年6月底前"],
    ]
    response = _upload(office, "分工方案.xlsx", workbook(rows))
    assert response.status_code == 302
    preview = office.get(response["Location"]).content.decode()
    assert "第4行 C4 单元格“牵头单位”是公式但没有计算结果" in preview


def test_row_whose_task_is_a_formula_is_reported_not_dropped(office):
    """The task cell itself is a formula with no cached value: the row must be reported, not skipped as a
    blank or heading row (the office would lose a task without a word)."""
    rows = [*ROWS, [2, '=HYPERLINK("http://example.invalid","点击")', "示例市甲局", "", "2026年6月底前"]]
    response = _upload(office, "分工方案.xlsx", workbook(rows))
    assert response.status_code == 302
    preview = office.get(response["Location"]).content.decode()
    assert "B4 单元格" in preview and "是公式但没有计算结果" in preview


def test_zip_bomb_is_refused_before_it_is_inflated(office, monkeypatch):
    """The reader must judge the declared sizes before inflating. The test makes sure it cannot inflate:
    if the workbook reader is reached at all, the guard is missing."""

    def reached(name, data):
        raise AssertionError("the .xlsx reader was reached: a 1 GiB zip bomb was not refused beforehand")

    monkeypatch.setattr(readers, "read_xlsx", reached)
    bomb = zip_bomb()
    assert len(bomb) < 5 * 1024 * 1024
    tasks, files = Task.objects.count(), stored_files()
    response = _upload(office, "分工方案.xlsx", bomb)
    assert response.status_code == 422
    assert "解压" in response.content.decode() or "过大" in response.content.decode()
    _assert_nothing_stored(tasks, files)


# ---- public appeal form: attachments -------------------------------------------------------------

FORM = {
    "enterprise_name": "丙制造有限公司",
    "credit_code": credit_code(103),
    "contact_name": "李经理",
    "contact_phone": "13712345678",
    "category": "help",
    "title": "园区供水压力不足",
    "description": "诉求：园区供水压力长期不足，影响生产，请求协调解决。",
    "consent": "on",
}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("营业执照.pdf", b"MZ\x90\x00" + b"\x00" * 200, "内容与扩展名不符"),
        ("现场照片.jpg", b"%PDF-1.4 not a photo", "内容与扩展名不符"),
        ("说明.exe", b"MZ\x90\x00", "不支持"),
        ("说明.xlsm", workbook(), "不支持"),
        ("说明.html", b"<script>alert(1)</script>", "不支持"),
    ],
    ids=["exe-as-pdf", "pdf-as-jpg", "exe", "xlsm", "html"],
)
def test_appeal_attachments_refuse_hostile_files(db, client, name, data, message):
    build_world()
    appeals, attachments = Appeal.objects.count(), Attachment.objects.count()
    response = client.post("/appeals/submit/", {**FORM, "attachments": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Appeal.objects.count() == appeals
    assert Attachment.objects.count() == attachments


def test_appeal_attachment_over_the_limit_is_refused(db, client):
    build_world()
    limit = int(get_setting("upload_max_mb")) * 1024 * 1024
    big = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4" + b"\x00" * limit)
    appeals = Appeal.objects.count()
    response = client.post("/appeals/submit/", {**FORM, "attachments": big})
    assert f"超过 {limit // (1024 * 1024)} MB 的上限" in response.content.decode()
    assert Appeal.objects.count() == appeals
    assert Attachment.objects.count() == 0


def test_text_that_looks_like_a_formula_is_exported_as_text(db, client):
    """Excel injection: a public visitor types a formula as the title; the office's export must show it as
    text, never as a live formula."""
    world = build_world()
    response = client.post(
        "/appeals/submit/", {**FORM, "title": '=HYPERLINK("http://example.invalid","点击")'}
    )
    assert response.status_code == 302
    export = client_for("office", world).get("/appeals/export/")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    formulas = [c.coordinate for row in book.active.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
