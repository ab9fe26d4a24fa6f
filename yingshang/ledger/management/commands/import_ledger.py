"""`python manage.py import_ledger PATH [--year Y] [--dry-run] [--json]`: import a task-division plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ApplicationError
from yingshang.ledger.importing.parser import ParseResult
from yingshang.ledger.importing.services import ImportOutcome, ledger_import, parse_columns


class Command(BaseCommand):
    help = "导入任务分工方案（.xlsx/.xls/.csv/.docx）：先检查全部行，无误后整体保存；--dry-run 只检查不保存。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--year", type=int, default=None, help="方案年份，用于“6月底完成”“年底前”等")
        parser.add_argument("--dry-run", action="store_true", help="只检查、预览，不保存")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--user", default="", help="记入审计的账号（营商办）")
        parser.add_argument(
            "--columns",
            default="",
            help="指定各列的内容，如 task=D,lead=E,co=F,deadline=G（可用 seq、category、measure、task、lead、co、"
            "responsible、deadline、document、ignore）；不指定时按表头名称和内容识别",
        )

    def handle(
        self,
        *args,
        path: str,
        year: int | None,
        dry_run: bool,
        json: bool,
        user: str,
        columns: str,
        **options,
    ):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        actor = _actor(user)
        data = file.read_bytes()
        given = _given_columns(columns)
        outcome, commit_error = _import(
            actor=actor, file=file, data=data, year=year, dry_run=dry_run, given=given
        )
        result = outcome.result
        failed = not result.ok
        summary = _summary(outcome, file_name=file.name, dry_run=dry_run, commit_error=commit_error)
        if json:
            self.stdout.write(_dumps(outcome.as_json()))
            self.stderr.write(summary)
        else:
            for message in _report_lines(result):
                self.stdout.write(message)
            self.stdout.write(summary)
        if commit_error or (failed and not dry_run):
            raise CommandError(commit_error or "导入未完成，未保存任何内容。")


def _actor(user: str) -> Any:
    """The account named by --user, recorded in the audit; none when not given."""
    if not user:
        return None
    from yingshang.org.models import User

    actor = User.objects.filter(username=user).first()
    if actor is None:
        raise CommandError(f"账号“{user}”不存在。")
    return actor


def _given_columns(columns: str) -> dict[str, int] | None:
    try:
        return parse_columns(columns) if columns else None
    except ApplicationError as exc:
        raise CommandError(exc.message) from exc


def _import(
    *, actor: Any, file: Path, data: bytes, year: int | None, dry_run: bool, given: dict[str, int] | None
) -> tuple[ImportOutcome, str]:
    """The import's outcome and, when a ledger service refused a row while writing, its message."""
    try:
        outcome = ledger_import(
            actor=actor, name=file.name, data=data, year=year, dry_run=dry_run, columns=given
        )
    except ApplicationError as exc:
        # A ledger service refused a row while writing: everything was rolled back; show the preview.
        outcome = ledger_import(
            actor=actor, name=file.name, data=data, year=year, dry_run=True, columns=given
        )
        return outcome, exc.message
    return outcome, ""


def _summary(outcome: ImportOutcome, *, file_name: str, dry_run: bool, commit_error: str) -> str:
    result = outcome.result
    counts = outcome.counts
    summary = (
        f"{'检查' if dry_run else '导入'}《{file_name}》：{len(result.rows)} 行，"
        f"新建 {counts['created']} 条，更新 {counts['updated']} 条，未变 {counts['unchanged']} 条"
    )
    if not result.ok:
        summary += f"；发现 {result.error_count()} 处问题，未保存任何内容"
    elif commit_error:
        summary += f"；保存失败，未保存任何内容：{commit_error}"
    elif dry_run:
        summary += "（未保存）"
    return summary


def _report_lines(result: ParseResult) -> list[str]:
    """Every problem, the units not matched, and each column reading not given by header names."""
    lines = list(result.errors)
    for row in result.rows:
        lines.extend(row.errors)
    if result.unknown_units:
        lines.append("未能匹配的单位：" + "、".join(result.unknown_units))
    for reading in result.readings:
        if set(reading["by"].values()) != {"name"} or reading["unsure"]:
            lines.append(_describe(reading))
    return lines


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


KIND_NAMES = {
    "seq": "序号",
    "category": "类别",
    "measure": "重点任务",
    "task": "任务",
    "lead": "牵头单位",
    "co": "配合单位",
    "responsible": "责任单位",
    "deadline": "完成时限",
    "document": "来源文件",
}


def _describe(reading: dict) -> str:
    where = f"工作表“{reading['sheet']}”" if "sheet" in reading else f"表格{reading['table']}"
    used = "，".join(f"{name} {reading[kind]} 列" for kind, name in KIND_NAMES.items() if kind in reading)
    unsure = "、".join(KIND_NAMES[k] for k in reading["unsure"])
    return f"{where}：{used}" + (
        f"（{unsure}的识别不确定，请核对，必要时用 --columns 指定）" if unsure else ""
    )
