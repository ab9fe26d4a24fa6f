from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.backup import restore
from yingshang.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Restore a backup made by `backup` after checking its manifest. Replaces the current database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        try:
            manifest = restore(Path(path))
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（文件 {len(manifest['files'])} 个）。")
