"""python manage.py assess --period 2026-Q3 [--freeze] [--json]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ApplicationError

from ... import selectors, services
from ...models import AssessmentRun
from ._common import indicator_set, office_actor


def run_json(run: AssessmentRun) -> dict[str, Any]:
    lines = selectors.lines_by_department(run)
    return {
        "period": run.period_code,
        "groups": [
            {
                "group": g["group"],
                "departments": [
                    {
                        "department": res.department_name,
                        "score": res.score,
                        "rank": res.rank,
                        "indicators": {
                            key: {
                                "raw": line.raw,
                                "numerator": line.numerator,
                                "denominator": line.denominator,
                                "normalised": line.normalised,
                                "weight": line.weight,
                                "contribution": line.contribution,
                                **({"no_data": line.no_data_reason} if line.no_data_reason else {}),
                            }
                            for key, line in lines.get(res.department_id, {}).items()
                        },
                    }
                    for res in g["results"]
                ],
            }
            for g in selectors.grouped_results(run)
        ],
    }


class Command(BaseCommand):
    help = "计算一个考核周期（2026-09、2026-Q3、2026），可选冻结，可输出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--freeze", action="store_true")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--set", dest="indicator_set", help="指标体系名称或编号（默认：启用中的最新一套）"
        )
        parser.add_argument("--user", help="以哪个营商办账号计算（默认：第一个营商办账号）")

    def handle(self, *args, **opts):
        actor = office_actor(opts.get("user"))
        try:
            run = services.run_compute(
                actor=actor, period=opts["period"], indicator_set=indicator_set(opts.get("indicator_set"))
            )
            if opts["freeze"]:
                services.run_transition(actor=actor, run=run, action="freeze")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(run_json(run), ensure_ascii=False))
            return
        self.stdout.write(f"{run}（{'已冻结' if run.frozen_at else '草稿'}）")
        for g in selectors.grouped_results(run):
            self.stdout.write(f"【{g['label']}】")
            for res in g["results"]:
                rank = res.rank if res.rank is not None else "—"
                score = "无数据" if res.score is None else f"{res.score:.2f}"
                self.stdout.write(f"  {rank!s:>3}  {score:>7}  {res.department_name}  {res.note}")
