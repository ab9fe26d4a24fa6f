"""Shared body of `import_departments` and `import_users`: the same checks and all-or-nothing commit as
the import page, with the row-by-row report on the terminal."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ValidationFailed
from yingshang.org import imports


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file, laid out as the import template")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; save nothing")

    def handle(self, *args, path: str, dry_run: bool, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        content = file.read_bytes()
        report = imports.check(self.kind, content)
        if report.errors:
            for error in report.errors:
                where = f"第 {error.row} 行" if error.row else "整个文件"
                column = f"［{error.column}］" if error.column else ""
                self.stderr.write(f"{where}{column}：{error.message}")
            raise CommandError(f"发现 {len(report.errors)} 处问题，未导入任何数据。")
        if dry_run:
            self.stdout.write(f"检查通过，共 {len(report.rows)} 行（试运行，未保存）。")
            return
        try:
            _report, result = imports.commit(self.kind, content, actor=None, filename=file.name)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(result.created)} 条。"))
        if self.kind == "user":
            self.stdout.write(
                "设置密码的链接已发到各账号本人的手机或邮箱；申请的角色待安全管理员确认后生效。"
            )
