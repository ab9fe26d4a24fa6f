import time

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from yingshang.core.models import ScheduledRun
from yingshang.core.schedule import PERIODIC_JOBS


def fire_due(now: float) -> list[str]:
    """Enqueue every periodic job whose current slot nobody has claimed yet; return their names."""
    fired = []
    for job in PERIODIC_JOBS:
        slot = int(now // job.every_seconds)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
        except IntegrityError:
            continue
        import_string(job.task).enqueue()
        fired.append(job.name)
    return fired


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
