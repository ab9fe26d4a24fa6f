"""routing_generate --scale small|design [--clear]: the synthetic similarity index of the near-duplicate
benchmark (bench/generate/similarity.py)."""

from django.core.management.base import BaseCommand

from bench.generate import similarity


class Command(BaseCommand):
    help = "为相似诉求查找的基准测试生成合成索引数据。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(similarity.SCALES), default="small")
        parser.add_argument("--clear", action="store_true", help="先删除以前生成的数据")

    def handle(self, *args, scale: str, clear: bool, **options):
        if clear:
            similarity.clear()
        have = similarity.generated_count()
        want = similarity.SCALES[scale]
        if have >= want:
            self.stdout.write(f"已有 {have} 条合成数据，无需生成。")
            return
        similarity.generate(want, stdout=self.stdout)
