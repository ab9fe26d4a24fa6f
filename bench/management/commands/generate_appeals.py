import time

from django.core.management.base import BaseCommand

from bench.generate.appeals import SCALES, generate


class Command(BaseCommand):
    help = "生成诉求压测数据：--scale small（2万条）或 design（200万条）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--count", type=int, default=0, help="覆盖规模的条数")
        parser.add_argument("--years", type=float, default=2.0, help="受理时间分布在最近几年")
        parser.add_argument("--seed", type=int, default=20260930)

    def handle(self, *args, scale: str, count: int, years: float, seed: int, **options):
        started = time.monotonic()
        total = count or SCALES[scale]
        generate(total, years=years, seed=seed, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {total} 条诉求，用时 {time.monotonic() - started:.0f} 秒。")
        )
