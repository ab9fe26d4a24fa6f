"""Assessment benchmarks (`python manage.py bench --scale small|design --only assessment`): computing one
quarter's assessment (target < 5 s at the design scale on PostgreSQL) and generating its bulletin
(target < 2 s). Uses the ledger's and the appeals' generated data (generated first when missing); the
runs made here are rolled back."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

APPEALS = {"small": 20_000, "design": 2_000_000}


class _Rollback(Exception):
    pass


def _ensure(scale: str) -> dict[str, Any]:
    from yingshang.appeals.models import Appeal
    from yingshang.ledger import benchmarks as ledger_bench

    info = ledger_bench._ensure(scale)
    have = Appeal.objects.count()
    if have < APPEALS[scale] * 0.9:
        print(f"generating appeals at scale {scale}", file=sys.stderr)
        call_command("generate_appeals", "--scale", scale, "--count", str(APPEALS[scale] - have))
    return {**info, "appeals": Appeal.objects.count()}


def _office():
    from yingshang.org import roles as r
    from yingshang.org import services as org_services
    from yingshang.org.models import User

    user = User.objects.filter(username="bench_assessment_office").first()
    return user or org_services.user_create(
        actor=None,
        username="bench_assessment_office",
        password="Bench-Passw0rd!2026",
        real_name="考核压测",
        roles={r.OFFICE},
        must_change_password=False,
    )


def _quarter() -> str:
    from .periods import parse_period

    today = timezone.localdate()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}").previous().code


def assessment_quarter(scale: str) -> Iterator[dict[str, Any]]:
    from . import bulletin, services
    from .demo import DEMO_INDICATORS
    from .models import DepartmentResult

    info = _ensure(scale)
    office = _office()
    period = _quarter()
    figures: dict[str, Any] = {}
    try:
        with transaction.atomic():
            s = services.indicator_set_save(
                actor=office, name=f"压测指标体系-{time.time_ns()}", indicators=DEMO_INDICATORS
            )
            t0 = time.perf_counter()
            run = services.run_compute(actor=office, period=period, indicator_set=s)
            figures["compute"] = time.perf_counter() - t0
            figures["departments"] = DepartmentResult.objects.filter(run=run).count()
            services.run_transition(actor=office, run=run, action="freeze")
            t0 = time.perf_counter()
            _, docx, _xlsx = bulletin.generate(actor=office, run=run)
            figures["bulletin"] = time.perf_counter() - t0
            figures["docx_kb"] = len(docx) // 1024
            raise _Rollback
    except _Rollback:
        pass
    scale_info = {**info, "period": period, "assessed_departments": figures["departments"]}
    yield {
        "bench": "assessment.compute_quarter",
        "metric": "seconds",
        "value": round(figures["compute"], 3),
        "scale": scale_info,
    }
    yield {
        "bench": "assessment.bulletin_generate",
        "metric": "seconds",
        "value": round(figures["bulletin"], 3),
        "scale": {**scale_info, "docx_kb": figures["docx_kb"]},
    }


BENCHMARKS = [assessment_quarter]
