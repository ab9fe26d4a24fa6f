"""Pages of assessment runs: the list, computing a period, a run with its ranking and objections, one
department's score, the records behind a figure, and the red and black lists."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from yingshang.core.errors import ApplicationError
from yingshang.core.events import timeline_for
from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import (
    form_errors_message,
    list_page,
    paginate,
    require,
    run_action,
    run_form,
    seen_version,
)
from yingshang.core.uploads import attachments_for
from yingshang.org.models import Department

from .. import bulletin as bulletin_mod
from .. import evaluation, measures, selectors, services
from .. import permissions as perm
from .. import workflow as wf
from ..forms import ComputeForm, DecisionForm, ObjectionForm, RunActionForm
from ..periods import parse_period
from ..ranking import GROUPS, NO_DATA_RULE

RUN_BADGES = {wf.PUBLISHED: "success", wf.PUBLICITY: "warning", wf.FROZEN: "info", wf.DRAFT: "secondary"}


@login_required
@require_GET
def run_list(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_assessment(request.user))
    qs = selectors.runs(
        request.user, period=request.GET.get("period", "").strip(), state=request.GET.get("state", "")
    )
    return list_page(
        request,
        items=qs,
        template="assessment/run_list.html",
        context={
            "states": wf.RUN_STATES,
            "badges": RUN_BADGES,
            "sets": selectors.active_indicator_sets() if perm.can_manage(request.user) else [],
            "can_manage": perm.can_manage(request.user),
            "period_suggestions": evaluation.period_choices(),
        },
    )


@login_required
@require_POST
def run_compute(request: AuthedRequest) -> HttpResponse:
    require(perm.can_manage(request.user))
    form = ComputeForm(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
        return redirect("assessment:runs")
    computed: dict[str, Any] = {}

    def compute() -> None:
        computed["run"] = services.run_compute(actor=request.user, **form.cleaned_data)

    if not run_action(request, compute, lambda: f"已计算{computed['run']}，请审核后冻结。", form):
        return redirect("assessment:runs")
    return redirect("assessment:run", pk=computed["run"].pk)


@login_required
@require_GET
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    groups = selectors.grouped_results(run)
    lines = selectors.lines_by_department(run)
    indicators = run.inputs.get("indicators", [])
    for g in groups:
        for res in g["results"]:
            res.cells = [lines.get(res.department_id, {}).get(i["measure"]) for i in indicators]  # type: ignore[attr-defined]
            res.viewable = perm.can_view_department_items(request.user, res.department_id)  # type: ignore[attr-defined]
    ctx = {
        "run": run,
        "groups": groups,
        "indicators": indicators,
        "lists": selectors.red_black_lists(run),
        "actions": wf.RUN.available(run, request.user, services.PREDICATES)
        if perm.can_manage(request.user)
        else [],
        "objections": selectors.objections(request.user, run),
        "can_object": perm.can_object(request.user, run),
        "can_manage": perm.can_manage(request.user),
        "no_data_rule": run.inputs.get("no_data_rule", NO_DATA_RULE),
        "timeline": timeline_for(run),
        "bulletin": selectors.bulletin_of(run),
        "state_label": wf.RUN_STATES.get(run.state, run.state),
        "is_draft": run.state == wf.DRAFT,
        "objection_states": wf.OBJECTION.states,
    }
    return render(request, "assessment/run_detail.html", ctx)


@login_required
@require_GET
def run_export(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    headers, rows = bulletin_mod.ranking_rows(run)
    return xlsx_response(
        filename=f"{run.period_label}考核排名.xlsx",
        title=f"{run.period_label}考核排名（第{run.number}版）",
        headers=headers,
        rows=rows,
        user=request.user,
        audit_action="assessment_run.export",
        filters={"run": run.pk},
    )


@login_required
@require_POST
def run_action_view(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    form = RunActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data["action"]
    label = next((t.label for t in wf.RUN.transitions if t.action == action), action)
    run_action(
        request,
        lambda: services.run_transition(
            actor=request.user,
            run=run,
            action=action,
            seen_version=seen_version(request),
            note=form.cleaned_data["note"],
        ),
        f"已{label}。",
        form,
    )
    return redirect("assessment:run", pk=run.pk)


@login_required
@require_GET
def department_score(request: AuthedRequest, pk: int, department_id: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    result = perm.access_result(request.user, run, department_id)
    period = parse_period(run.period_code)
    lines = list(result.lines.all())
    definitions = {i["measure"]: i for i in run.inputs.get("indicators", [])}
    for line in lines:
        definition = definitions.get(line.measure, {})
        line.definition = definition.get("definition", "")  # type: ignore[attr-defined]
        line.unit = definition.get("unit", "")  # type: ignore[attr-defined]
        line.drill = (  # type: ignore[attr-defined]
            measures.drill_url(line.measure, period, department_id)
            if line.measure in measures.REGISTRY
            else ""
        )
    ctx = {
        "run": run,
        "result": result,
        "lines": lines,
        "group_label": GROUPS.get(result.group, result.group),
        "no_data_rule": run.inputs.get("no_data_rule", NO_DATA_RULE),
        "normalisation": run.inputs.get("normalisation", ""),
        "settings_in_force": run.inputs.get("settings", {}),
        "caps": run.inputs.get("indicator_set", {}),
    }
    return render(request, "assessment/department_score.html", ctx)


@login_required
@require_GET
def drill(request: AuthedRequest) -> HttpResponse:
    """The records behind one department's figure of one measure in one period."""
    key = request.GET.get("measure", "")
    defn = measures.REGISTRY.get(key)
    department_id = request.GET.get("department", "")
    if defn is None or defn.items is None or not department_id.isdigit():
        raise Http404
    perm.access_department_items(request.user, int(department_id))
    try:
        period = parse_period(request.GET.get("period", ""))
    except ApplicationError as exc:
        raise Http404 from exc
    department = get_object_or_404(Department, pk=int(department_id))
    figure = defn.compute(period, [department.pk])[department.pk]
    ctx = {
        "defn": defn,
        "period": period,
        "department": department,
        "figure": figure,
        "page": paginate(request, defn.items(period, department.pk), 50),
        "query": urlencode({"measure": key, "period": period.code, "department": department.pk}),
    }
    return render(request, "assessment/drill.html", ctx)


@login_required
@require_GET
def red_black(request: AuthedRequest) -> HttpResponse:
    require(perm.can_view_assessment(request.user))
    run_id = request.GET.get("run", "")
    run = perm.access_run(request.user, int(run_id)) if run_id.isdigit() else selectors.latest_run()
    ctx = {
        "run": run,
        "lists": selectors.red_black_lists(run) if run else [],
        "runs": selectors.runs(request.user).filter(state=wf.PUBLISHED)[:12],
    }
    return render(request, "assessment/red_black.html", ctx)


# --- objections -----------------------------------------------------------------------------------------


@login_required
@require_POST
def objection_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    run_form(
        request,
        ObjectionForm(request.POST),
        lambda d: services.objection_submit(
            actor=request.user, run=run, files=request.FILES.getlist("evidence"), **d
        ),
        "异议已提交，营商办将在公示期结束前答复。",
    )
    return redirect("assessment:run", pk=run.pk)


@login_required
@require_POST
def objection_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = perm.access_objection(request.user, pk)
    run_form(
        request,
        DecisionForm(request.POST),
        lambda d: services.objection_decide(
            actor=request.user,
            objection=objection,
            accept=d["action"] == "accept",
            decision=d["decision"],
            seen_version=seen_version(request),
        ),
        "异议已处理。",
    )
    return redirect("assessment:run", pk=objection.run_id)


@login_required
@require_GET
def objection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = perm.access_objection(request.user, pk)
    return render(
        request,
        "assessment/objection_detail.html",
        {
            "objection": objection,
            "files": attachments_for(objection),
            "timeline": timeline_for(objection),
            "states": wf.OBJECTION.states,
            "can_decide": perm.can_manage(request.user) and objection.pending,
        },
    )
