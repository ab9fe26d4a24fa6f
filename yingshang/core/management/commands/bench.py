"""`make bench`: runs every app's benchmarks and prints one JSON object per line:
{"bench": NAME, "metric": ..., "value": NUMBER, "scale": {...}}.

Each app may have a `benchmarks.py` with `BENCHMARKS`: a list of callables `(scale: str) -> Iterable[dict]`
yielding such lines. With `--fail-on-errors` the command exits non-zero when any "errors" figure is above zero
(CI runs the load scenario this way)."""

import json
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the benchmarks; print one JSON line per figure."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "design"], default="small")
        parser.add_argument("--only", default="", help="comma-separated app labels")
        parser.add_argument("--fail-on-errors", action="store_true", help="exit non-zero if any errors > 0")

    def handle(self, *args, scale: str, only: str, fail_on_errors: bool = False, **options):
        wanted = {s for s in only.split(",") if s}
        failed: list[str] = []
        for app in apps.get_app_configs():
            if not app.name.startswith("yingshang.") or (wanted and app.label not in wanted):
                continue
            if not find_spec(f"{app.name}.benchmarks"):
                continue
            for bench in import_module(f"{app.name}.benchmarks").BENCHMARKS:
                for line in bench(scale):
                    self.stdout.write(json.dumps(line, ensure_ascii=False))
                    self.stdout.flush()
                    if line.get("metric") == "errors" and line.get("value"):
                        failed.append(f"{line['bench']}: {line['value']}")
        if fail_on_errors and failed:
            raise CommandError("基准测试出现错误：" + "；".join(failed))
