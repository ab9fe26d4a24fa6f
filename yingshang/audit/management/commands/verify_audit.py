from django.core.management.base import BaseCommand, CommandError

from yingshang.audit.chain import sm3_source
from yingshang.audit.services import seal_pending, verify_with_witness


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain. Exits 0 when intact; otherwise non-zero, naming the first record "
        "that was altered, deleted or inserted out of order, or the gap to the witness outside the database "
        "(newest records deleted with their seals). Seals what is due first, so everything older than a "
        "few seconds is covered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="verify only what is sealed already")

    def handle(self, *args, no_seal: bool, **options):
        if not no_seal:
            seal_pending()
        result, witness_note = verify_with_witness()
        algorithms = "、".join(a.upper() for a in sorted(result.algorithms)) or "—"
        if not result.ok:
            assert result.failure is not None
            raise CommandError(
                f"审计链校验未通过：{result.failure.message}"
                f"（问题记录 #{result.failure.record_id}，类型 {result.failure.kind}；"
                f"此前 {result.checked} 条记录完好）",
                returncode=2,
            )
        self.stdout.write(
            f"审计链完整：已校验 {result.checked} 条记录，最后封存至 #{result.last_sealed_id or '—'}，"
            f"算法 {algorithms}（SM3 实现：{sm3_source()}），链头 {result.head_hash}。"
        )
        self.stdout.write(witness_note)
        if result.unsealed:
            self.stdout.write(
                f"另有 {result.unsealed} 条最新记录尚未封存（写入不足数秒或正待前序记录提交）。"
            )
