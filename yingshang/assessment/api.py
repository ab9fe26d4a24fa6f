"""Assessment API for the office's own systems: compute a period as a draft, through the same service (and
so the same rules: office only, a period that has started, an active indicator set) as the page and the
`assess` command."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from . import services
from .models import IndicatorSet

router = Router(tags=["考核评价"])


class ComputeIn(Schema):
    period: str
    indicator_set: int


class RunOut(Schema):
    id: int
    period: str
    period_label: str
    number: int
    state: str


@router.post("/runs", response=RunOut, summary="计算一个考核周期（草稿）")
def compute_run(request: HttpRequest, body: ComputeIn):
    indicator_set = IndicatorSet.objects.filter(pk=body.indicator_set).first()
    if indicator_set is None:
        raise Http404
    run = services.run_compute(actor=request.user, period=body.period, indicator_set=indicator_set)
    return {
        "id": run.pk,
        "period": run.period_code,
        "period_label": run.period_label,
        "number": run.number,
        "state": run.state,
    }
