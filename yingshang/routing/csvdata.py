"""Reading the CSV files the commands take (UTF-8 with or without BOM, or GB18030 as Excel writes it)."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

from django.core.management.base import CommandError


def read_rows(path: str | Path) -> list[dict[str, str]]:
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"找不到文件：{p}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with p.open(encoding=encoding, newline="") as fh:
                return list(csv.DictReader(fh))
        except UnicodeDecodeError:
            continue
    raise CommandError(f"无法识别文件编码（支持 UTF-8、GB18030）：{p}")


def columns(rows: list[dict[str, str]], path: str | Path, *names: str) -> None:
    present = set(rows[0].keys()) if rows else set()
    missing = [n for n in names if n not in present]
    if missing:
        raise CommandError(
            f"{path} 缺少列：{'、'.join(missing)}（现有列：{'、'.join(sorted(present)) or '无'}）"
        )


def texts_and_labels(path: str | Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    rows = read_rows(path)
    columns(rows, path, text_column, label_column)
    return [r[text_column] or "" for r in rows], [(r[label_column] or "").strip() for r in rows]


def parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    for fmt in (
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d",
        "%Y-%m-%d",
    ):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def shared_data_dir() -> Path:
    """The real-data folder: $YINGSHANG_SHARED_DATA, else <repo>/../shared/data."""
    from django.conf import settings

    env = os.environ.get("YINGSHANG_SHARED_DATA")
    return Path(env) if env else Path(settings.BASE_DIR).parent / "shared" / "data"
