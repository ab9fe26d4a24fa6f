from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.audit.models import WitnessIdentity
from yingshang.audit.services import witness_start
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
        # The restored copy is not the database the witness saw grow past the backup: it starts its own.
        identity = witness_start(reason=WitnessIdentity.Reason.RESTORE)
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（文件 {len(manifest['files'])} 个）。")
        self.stdout.write(f"审计见证已为恢复后的数据库启用新身份 {identity.installation_id}。")
