"""Consistent backups and restores: the database (SQLite online backup API, or pg_dump for PostgreSQL),
every stored file, and a manifest with SHA-256 checksums that `restore` checks before touching anything."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone

from yingshang.core.errors import ValidationFailed

MANIFEST = "manifest.json"
FORMAT = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        settings_dict.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_dict.get("PORT") or 5432),
        "-U",
        settings_dict.get("USER") or "postgres",
    ]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _stored_file_names() -> list[str]:
    from yingshang.core.models import Attachment

    return sorted(set(Attachment.objects.values_list("file", flat=True)))


@dataclass
class BackupResult:
    path: Path
    files: int
    database_bytes: int


def backup(target_dir: Path) -> BackupResult:
    target_dir.mkdir(parents=True, exist_ok=False)
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        db_path = target_dir / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(db_path)
        try:
            connection.connection.backup(
                destination
            )  # online backup: a consistent snapshot while others write
        finally:
            destination.close()
    elif vendor == "postgresql":
        db_path = target_dir / "database.pgdump"
        args, env = _pg_env(settings_dict)
        # pg_dump runs in one repeatable-read transaction: a consistent snapshot.
        subprocess.run(
            ["pg_dump", *args, "-Fc", "-f", str(db_path), settings_dict["NAME"]],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise ValidationFailed(f"不支持的数据库：{vendor}", code="core.backup_vendor")
    files_dir = target_dir / "files"
    names = _stored_file_names()
    for name in names:
        out = files_dir / name
        out.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src:
            out.write_bytes(src.read())
    entries = {
        str(p.relative_to(target_dir)): sha256_file(p) for p in sorted(target_dir.rglob("*")) if p.is_file()
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": db_path.name,
        "files": names,
        "sha256": entries,
    }
    (target_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return BackupResult(target_dir, len(names), db_path.stat().st_size)


def check_manifest(source_dir: Path) -> dict[str, Any]:
    """The manifest, after checking every listed file against its checksum; refuses a damaged backup."""
    manifest_path = source_dir / MANIFEST
    if not manifest_path.exists():
        raise ValidationFailed(f"{source_dir} 中没有备份清单 {MANIFEST}。", code="core.backup_manifest")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise ValidationFailed("备份格式版本不符，无法恢复。", code="core.backup_manifest")
    for rel, expected in manifest["sha256"].items():
        path = source_dir / rel
        if not path.exists():
            raise ValidationFailed(f"备份缺少文件：{rel}", code="core.backup_damaged")
        if sha256_file(path) != expected:
            raise ValidationFailed(f"备份文件校验失败：{rel}", code="core.backup_damaged")
    if manifest["vendor"] != connection.vendor:
        raise ValidationFailed(
            f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}。",
            code="core.backup_other_vendor",
        )
    return manifest


def restore(source_dir: Path) -> dict[str, Any]:
    manifest = check_manifest(source_dir)
    settings_dict = dict(connection.settings_dict)
    db_file = source_dir / manifest["database"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            source.backup(connection.connection)  # page-by-page copy into the live database, in one step
        finally:
            source.close()
    else:
        for conn in connections.all():
            conn.close()
        args, env = _pg_env(settings_dict)
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                settings_dict["NAME"],
                str(db_file),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    for name in manifest["files"]:
        data = (source_dir / "files" / name).read_bytes()
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
    return manifest
