from datetime import date

from django.core.management.base import BaseCommand

from yingshang.workdays import calendar
from yingshang.workdays.services import calendar_table_build


class Command(BaseCommand):
    help = (
        "重建工作日历表（工作日序号），覆盖 2015-01-01 至次后年末；放假安排调整后会自动更新，无需手工运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--until-year", type=int, default=None, help="建到该年年末（默认：今年 + 2）")

    def handle(self, *args, until_year: int | None = None, **options):
        end = date(until_year, 12, 31) if until_year else calendar.table_end()
        rows = calendar_table_build(end=end)
        self.stdout.write(f"工作日历已重建：{calendar.EPOCH} 至 {end}，共 {rows} 天。")
