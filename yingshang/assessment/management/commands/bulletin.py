"""python manage.py bulletin --period 2026-Q3 --out PATH  (writes PATH.docx and the .xlsx beside it)"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ApplicationError

from ... import bulletin as bulletin_mod
from ... import workflow as wf
from ...models import AssessmentRun
from ...periods import parse_period
from ._common import office_actor


class Command(BaseCommand):
    help = "生成某期考核通报（.docx，GB/T 9704-2012 格式）及附表（.xlsx）。使用该期最新的已冻结版本。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True, help="输出 .docx 的路径；.xlsx 写在旁边")
        parser.add_argument("--user", help="营商办账号（默认：第一个营商办账号）")

    def handle(self, *args, **opts):
        actor = office_actor(opts.get("user"))
        try:
            period = parse_period(opts["period"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        run = (
            AssessmentRun.objects.filter(period_code=period.code)
            .exclude(state=wf.DRAFT)
            .order_by("-number", "-id")
            .first()
        )
        if run is None:
            raise CommandError(
                f"{period.label}没有已冻结的考核结果，请先运行 assess --period {period.code} --freeze。"
            )
        try:
            bulletin, docx, xlsx = bulletin_mod.generate(actor=actor, run=run)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        out = Path(opts["out"])
        if out.suffix.lower() != ".docx":
            out = out.with_suffix(".docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(docx)
        xlsx_path = out.with_suffix(".xlsx")
        xlsx_path.write_bytes(xlsx)
        self.stdout.write(f"{bulletin.number} {bulletin.title}\n{out}\n{xlsx_path}")
