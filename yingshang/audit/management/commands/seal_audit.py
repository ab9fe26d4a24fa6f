import time

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
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            help="keep sealing, pausing this many seconds between runs, until stopped",
        )

    def handle(self, *args, delay: float, loop: float, **options):
        while loop:
            seal_pending(delay_seconds=delay)
            time.sleep(loop)
        outcome = seal_pending(delay_seconds=delay)
        if outcome.busy and not outcome.sealed:
            self.stdout.write("另一封存进程正在运行，本次跳过。")
            return
        self.stdout.write(f"本次封存 {outcome.sealed} 条审计记录。")
