from django.core.management.base import BaseCommand

from yingshang.audit.services import SEAL_DELAY_SECONDS, seal_pending


class Command(BaseCommand):
    help = (
        "Chain the audit records old enough into the hash chain (the scheduler does this every 10 seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delay",
            type=float,
            default=SEAL_DELAY_SECONDS,
            help="seal only records at least this many seconds old",
        )

    def handle(self, *args, delay: float, **options):
        outcome = seal_pending(delay_seconds=delay)
        if outcome.busy and not outcome.sealed:
            self.stdout.write("另一封存进程正在运行，本次跳过。")
            return
        self.stdout.write(f"本次封存 {outcome.sealed} 条审计记录。")
