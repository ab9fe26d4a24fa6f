"""Assessment benchmarks (`python manage.py bench --scale small|design --only assessment`): computing one
quarter's assessment (target < 5 s at the design scale on PostgreSQL) and generating its bulletin
(target < 2 s). Uses the ledger's and the appeals' generated data (generated first when missing); the
runs made here are rolled back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from bench.common import Line, bench_account, line, log, rolled_back, since
from bench.generate import appeals as generated_appeals
from bench.suites.ledger import ensure_generated as ensure_ledger

APPEALS = {"small": 20_000, "design": 2_000_000}


def ensure_generated(scale: str) -> dict[str, Any]:
    """The ledger's and the appeals' generated data at `scale` (generated now when missing)."""
    from yingshang.appeals.models import Appeal

    info = ensure_ledger(scale)
    have = Appeal.objects.count()
    if have < APPEALS[scale] * 0.9:
        log(f"generating appeals at scale {scale}")
        generated_appeals.generate(APPEALS[scale] - have, log=log)
    return {**info, "appeals": Appeal.objects.count()}


def office_account() -> Any:
    """The office account the assessment runs are made by (made once)."""
    from yingshang.org import roles as r

    return bench_account("bench_assessment_office", "考核压测", {r.OFFICE})


def last_quarter() -> str:
    from yingshang.assessment.periods import parse_period

    today = timezone.localdate()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}").previous().code


def frozen_run(office: Any, period: str, name: str) -> Any:
    """The demo indicator set computed for `period` and frozen, as the office does each quarter."""
    from yingshang.assessment import services
    from yingshang.assessment.demo import DEMO_INDICATORS

    indicator_set = services.indicator_set_save(
        actor=office, name=f"{name}-{time.time_ns()}", indicators=DEMO_INDICATORS
    )
    run = services.run_compute(actor=office, period=period, indicator_set=indicator_set)
    services.run_transition(actor=office, run=run, action="freeze")
    return run


def assessment_quarter(scale: str) -> Iterator[Line]:
    from yingshang.assessment import bulletin, services
    from yingshang.assessment.demo import DEMO_INDICATORS
    from yingshang.assessment.models import DepartmentResult

    info = ensure_generated(scale)
    office = office_account()
    period = last_quarter()
    with rolled_back():
        s = services.indicator_set_save(
            actor=office, name=f"压测指标体系-{time.time_ns()}", indicators=DEMO_INDICATORS
        )
        started = time.perf_counter()
        run = services.run_compute(actor=office, period=period, indicator_set=s)
        compute = since(started)
        departments = DepartmentResult.objects.filter(run=run).count()
        services.run_transition(actor=office, run=run, action="freeze")
        started = time.perf_counter()
        _, docx, _xlsx = bulletin.generate(actor=office, run=run)
        bulletin_seconds = since(started)
    scale_info = {**info, "period": period, "assessed_departments": departments}
    yield line("assessment.compute_quarter", "seconds", round(compute, 3), scale_info)
    yield line(
        "assessment.bulletin_generate",
        "seconds",
        round(bulletin_seconds, 3),
        {**scale_info, "docx_kb": len(docx) // 1024},
    )


BENCHMARKS = [assessment_quarter]
