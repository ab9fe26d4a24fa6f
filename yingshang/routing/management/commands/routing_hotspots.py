"""routing_hotspots --csv PATH [--json] [--limit N] [--window-days D]

Runs the same hotspot detection as the office page on a file of messages with the columns
留言编号, 留言用户, 留言主题, 留言时间, 留言详情 (the whole file is the window unless --window-days)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yingshang.routing import csvdata
from yingshang.routing.hotspots import detect, doc_from_text

COLUMNS = ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情")


class Command(BaseCommand):
    help = "在留言数据文件上发现热点（与热点页面相同的算法）。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True)
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--min-size", type=int, default=3)
        parser.add_argument("--window-days", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        rows = csvdata.read_rows(o["csv"])
        csvdata.columns(rows, o["csv"], *COLUMNS)
        docs, users, titles, skipped = [], {}, {}, 0
        for row in rows:
            at = csvdata.parse_time(row["留言时间"])
            try:
                pk = int(row["留言编号"])
            except ValueError:
                pk = None
            if at is None or pk is None:
                skipped += 1
                continue
            docs.append(doc_from_text(pk, at, row["留言主题"], row["留言详情"]))
            users[pk] = row["留言用户"]
            titles[pk] = row["留言主题"]
        if not docs:
            raise CommandError("文件中没有可用的留言。")
        found = detect(docs, window_days=o["window_days"], min_size=o["min_size"], limit=o["limit"])
        out: dict[str, Any] = {
            "n_messages": len(docs),
            "skipped_rows": skipped,
            "hotspots": [
                {
                    "rank": i + 1,
                    "size": h.size,
                    "distinct_users": len({users[x] for x in h.ids}),
                    "recent": h.recent,
                    "earlier": h.earlier,
                    "growth": h.growth,
                    "top_words": h.top_words,
                    "places": h.places,
                    "sample_title": h.sample_title,
                    "first_at": h.first_at.isoformat(sep=" "),
                    "last_at": h.last_at.isoformat(sep=" "),
                    "ids": h.ids,
                    "titles": [titles[x] for x in h.ids],
                }
                for i, h in enumerate(found)
            ],
        }
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for h in out["hotspots"]:
            self.stdout.write(
                f"{h['rank']:>2}. {h['size']} 条（{h['distinct_users']} 位留言人）"
                f" 关键词：{'、'.join(h['top_words'])}  地点：{'、'.join(h['places'])}\n    例：{h['sample_title']}"
            )
