"""Uploads: size and type are checked before anything is stored; the stored file is named by its SHA-256.
The type is judged by the file's first bytes, not only its name, so a renamed executable is refused."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.db import models, transaction

from yingshang.audit.events import record as audit_record

from .actors import Actor, account_of
from .errors import ValidationFailed
from .models import Attachment
from .office_settings import get_setting

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (MIME type, accepted leading bytes)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".ofd": ("application/ofd", (ZIP,)),
}


# An archive is judged on the sizes it declares, before anything is inflated (Python's zipfile never
# inflates a member past its declared size, so the declaration cannot lie to the readers either).
MAX_INFLATED_BYTES = 512 * 1024 * 1024
MAX_INFLATION_RATIO = 200
EXECUTABLE_MAGICS = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O, both word sizes and byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)
EXECUTABLE_EXTENSIONS = {
    ".exe",
    ".dll",
    ".scr",
    ".com",
    ".msi",
    ".bat",
    ".cmd",
    ".ps1",
    ".vbs",
    ".js",
    ".jar",
    ".sh",
}
OLE_MACROS = "_VBA_PROJECT".encode("utf-16-le")  # the stream name of a macro project in .doc/.xls
# What a browser sniffs as a web page: a PDF or image that carries one is a polyglot.
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s>/]", re.IGNORECASE
)
SCAN_CHUNK = 1024 * 1024


def _refuse(message: str, problem: str, code: str = "core.upload_archive") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={"file": [problem]})


def check_archive(name: str, data: bytes) -> None:
    """Refuse a ZIP-based file (.xlsx, .docx, .ofd ...) that would inflate to far more than it weighs, that
    carries macros (vbaProject.bin) or that wraps an executable. Every door that takes an uploaded file
    calls this (directly or through check_upload) before any reader opens it."""
    if not data.startswith(ZIP):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # no archive at all: nothing inside to inflate or run; the file's own reader refuses it
    try:
        with archive:
            members = archive.infolist()
            inflated = sum(info.file_size for info in members)
            if inflated > MAX_INFLATED_BYTES or inflated > MAX_INFLATION_RATIO * len(data):
                raise _refuse(f"“{name}”解压后过大，疑似异常文件，不予接收。", "解压后过大。")
            for info in members:
                member = info.filename.lower()
                if member.endswith("vbaproject.bin"):
                    raise _refuse(
                        f"“{name}”含有宏代码，出于安全考虑不予接收，请删除宏后另存再上传。",
                        "含有宏代码。",
                        code="core.upload_macros",
                    )
                if info.is_dir():
                    continue
                with archive.open(info) as stream:
                    head = stream.read(4)
                if _extension(member) in EXECUTABLE_EXTENSIONS or head.startswith(EXECUTABLE_MAGICS):
                    raise _refuse(f"“{name}”内含可执行程序，已拒收。", "内含可执行程序。")
    # zipfile raises NotImplementedError for a compression method it cannot read and RuntimeError for an
    # encrypted member: a file we cannot look inside is refused like a damaged one.
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        raise _refuse(f"“{name}”已损坏或不是有效的文件，无法读取。", "文件已损坏。") from exc


def _carries_markup(uploaded: Any) -> bool:
    uploaded.seek(0)
    tail = b""
    try:
        while chunk := uploaded.read(SCAN_CHUNK):
            if MARKUP.search(tail + chunk):
                return True
            tail = chunk[-32:]  # a tag split across two chunks
        return False
    finally:
        uploaded.seek(0)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_upload(uploaded: Any, *, allowed: set[str] | None = None, max_bytes: int | None = None) -> str:
    """Return the MIME type of an acceptable upload, or raise ValidationFailed with a Chinese message."""
    name = getattr(uploaded, "name", "") or ""
    ext = _extension(name)
    kinds = allowed or set(ALLOWED_TYPES)
    if ext not in kinds or ext not in ALLOWED_TYPES:
        accepted = "、".join(sorted(k.lstrip(".") for k in kinds))
        raise ValidationFailed(
            f"不支持“{name}”的文件类型，请上传 {accepted} 格式。",
            code="core.upload_type",
            fields={"file": ["文件类型不支持。"]},
        )
    limit = max_bytes if max_bytes is not None else int(get_setting("upload_max_mb")) * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationFailed(
            f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的上限。",
            code="core.upload_too_large",
            fields={"file": ["文件过大。"]},
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    mime, magics = ALLOWED_TYPES[ext]
    if not any(head.startswith(m) for m in magics):
        raise ValidationFailed(
            f"文件“{name}”的内容与扩展名不符，已拒收。",
            code="core.upload_content_mismatch",
            fields={"file": ["文件内容与类型不符。"]},
        )
    if head.startswith(ZIP):
        check_archive(name, uploaded.read())
        uploaded.seek(0)
    elif head.startswith(OLE):
        data = uploaded.read()
        uploaded.seek(0)
        if OLE_MACROS in data:
            raise _refuse(
                f"“{name}”含有宏代码，出于安全考虑不予接收，请删除宏后另存再上传。",
                "含有宏代码。",
                code="core.upload_macros",
            )
    elif _carries_markup(uploaded):
        raise _refuse(
            f"“{name}”中夹带网页代码，疑似伪装文件，已拒收。", "文件夹带网页代码。", code="core.upload_markup"
        )
    return mime


@transaction.atomic
def attachment_add(
    *,
    actor: Actor,
    obj: models.Model,
    uploaded: Any,
    purpose: str = "evidence",
    allowed: set[str] | None = None,
) -> Attachment:
    mime = check_upload(uploaded, allowed=allowed)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        purpose=purpose,
        original_name=uploaded.name[:255],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        mime_type=mime,
        uploaded_by=account_of(actor),
    )
    attachment.file.save(f"{attachment.sha256}{_extension(uploaded.name)}", File(uploaded), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="attachment.add",
        obj=attachment,
        after={
            "item": f"{obj._meta.label_lower}:{obj.pk}",
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


def attachments_for(obj: models.Model):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).order_by("uploaded_at", "id")


# model label ("ledger.progressreport") -> predicate (user, item) -> bool deciding who may download its files.
ATTACHMENT_ACCESS: dict[str, Callable[[Any, Any], bool]] = {}


def register_attachment_access(model_label: str, predicate: Callable[[Any, Any], bool]) -> None:
    ATTACHMENT_ACCESS[model_label.lower()] = predicate
