from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.backup import backup


class Command(BaseCommand):
    help = "Make a consistent backup (database, stored files, manifest with checksums) in a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="", help="folder to create (default var/backups/<time>)")

    def handle(self, *args, out: str, **options):
        target = (
            Path(out)
            if out
            else settings.VAR_DIR / "backups" / timezone.localtime().strftime("%Y%m%d-%H%M%S")
        )
        result = backup(target)
        audit_record(
            actor=None,
            action="system.backup",
            detail=str(result.path),
            after={"files": result.files, "database_bytes": result.database_bytes},
        )
        self.stdout.write(
            f"备份完成：{result.path}（数据库 {result.database_bytes} 字节，文件 {result.files} 个）"
        )
