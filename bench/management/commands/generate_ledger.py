from django.core.management.base import BaseCommand

from bench.generate.ledger import SCALES, generate, generated, top_up_reports


class Command(BaseCommand):
    help = "Generate ledger test data (departments, measures, tasks, progress reports) at a given scale."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when already generated")

    def handle(self, *args, scale: str, if_missing: bool, **options):
        if if_missing and generated(scale):
            added = top_up_reports(scale)
            self.stdout.write(f"{scale} 规模测试数据已存在，跳过（补充历史反馈 {added} 条）。")
            return
        counts = generate(scale, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"已生成：{counts}"))
