"""`make bench`: runs the benchmarks of bench/suites and prints one JSON object per line:
{"bench": NAME, "metric": ..., "value": NUMBER, "scale": {...}}.

With `--fail-on-errors` the command exits non-zero when any "errors" figure is above zero (CI runs the load
scenario this way)."""

import json

from django.core.management.base import BaseCommand, CommandError

from bench import suites
from bench.common import SCALES


class Command(BaseCommand):
    help = "Run the benchmarks; print one JSON line per figure."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--only", default="", help="comma-separated app labels")
        parser.add_argument("--fail-on-errors", action="store_true", help="exit non-zero if any errors > 0")

    def handle(self, *args, scale: str, only: str, fail_on_errors: bool = False, **options):
        wanted = {s for s in only.split(",") if s}
        failed: list[str] = []
        for label in suites.SUITES:
            if wanted and label not in wanted:
                continue
            for bench in suites.benchmarks(label):
                for line in bench(scale):
                    self.stdout.write(json.dumps(line, ensure_ascii=False))
                    self.stdout.flush()
                    if line.get("metric") == "errors" and line.get("value"):
                        failed.append(f"{line['bench']}: {line['value']}")
        if fail_on_errors and failed:
            raise CommandError("基准测试出现错误：" + "；".join(failed))
