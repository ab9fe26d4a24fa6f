import time

from django.core.management.base import BaseCommand

from yingshang.core.schedule import fire_due

__all__ = ["Command", "fire_due"]


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs, each once per time slot across all schedulers (safe to run on many machines)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="fire what is due now and exit")
        parser.add_argument("--tick", type=float, default=5.0)

    def handle(self, *args, once: bool, tick: float, **options):
        while True:
            for name in fire_due(time.time()):
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(tick)
