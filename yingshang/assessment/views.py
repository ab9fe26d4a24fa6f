"""Pages of the assessment. Thin: parse, access, call one service, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yingshang.core.errors import ApplicationError
from yingshang.core.events import timeline_for
from yingshang.core.exports import XLSX_TYPE, xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.uploads import attachments_for
from yingshang.org.models import Department

from . import bulletin as bulletin_mod
from . import evaluation, measures, selectors, services
from . import permissions as perm
from . import workflow as wf
from .models import BonusItem, Bulletin, EvaluationIndicator, IndicatorSet
from .periods import parse_period
from .ranking import GROUPS, NO_DATA_RULE

PAGE_SIZE = 20


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _act(request: AuthedRequest, call: Any, ok: str) -> bool:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _seen(request: AuthedRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


# --- runs -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def run_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_assessment(request.user))
    qs = selectors.runs(
        request.user, period=request.GET.get("period", "").strip(), state=request.GET.get("state", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "filters": request.GET,
        "states": wf.RUN_STATES,
        "sets": IndicatorSet.objects.filter(is_active=True) if perm.can_manage(request.user) else [],
        "can_manage": perm.can_manage(request.user),
        "period_suggestions": evaluation.period_choices(),
    }
    if getattr(request, "htmx", False):
        return render(request, "assessment/run_list.html#results", ctx)
    return render(request, "assessment/run_list.html", ctx)


@login_required
@require_POST
def run_compute(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_manage(request.user))
    indicator_set = IndicatorSet.objects.filter(pk=request.POST.get("indicator_set") or 0).first()
    if indicator_set is None:
        messages.error(request, "请选择指标体系。")
        return redirect("assessment:runs")
    try:
        run = services.run_compute(
            actor=request.user, period=request.POST.get("period", ""), indicator_set=indicator_set
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:runs")
    messages.success(request, f"已计算{run}，请审核后冻结。")
    return redirect("assessment:run", pk=run.pk)


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
        "bulletin": Bulletin.objects.filter(run=run).first(),
        "state_label": wf.RUN_STATES.get(run.state, run.state),
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
def run_action(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    action = request.POST.get("action", "")
    label = next((t.label for t in wf.RUN.transitions if t.action == action), action)
    _act(
        request,
        lambda: services.run_transition(
            actor=request.user,
            run=run,
            action=action,
            seen_version=_seen(request),
            note=request.POST.get("note", ""),
        ),
        f"已{label}。",
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
        line.definition = definitions.get(line.measure, {}).get("definition", "")  # type: ignore[attr-defined]
        line.unit = definitions.get(line.measure, {}).get("unit", "")  # type: ignore[attr-defined]
        line.drill = (  # type: ignore[attr-defined]
            measures.drill_url(line.measure, period, department_id)
            if line.measure in measures.REGISTRY
            else ""
        )  # type: ignore[attr-defined]
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
    if not perm.can_view_department_items(request.user, int(department_id)):
        raise Http404
    try:
        period = parse_period(request.GET.get("period", ""))
    except ApplicationError as exc:
        raise Http404 from exc
    department = get_object_or_404(Department, pk=int(department_id))
    figure = defn.compute(period, [department.pk])[department.pk]
    items = defn.items(period, department.pk)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    ctx = {
        "defn": defn,
        "period": period,
        "department": department,
        "figure": figure,
        "page": page,
        "query": urlencode({"measure": key, "period": period.code, "department": department.pk}),
    }
    return render(request, "assessment/drill.html", ctx)


@login_required
@require_GET
def red_black(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_assessment(request.user))
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
    _act(
        request,
        lambda: services.objection_submit(
            actor=request.user,
            run=run,
            reason=request.POST.get("reason", ""),
            measure=request.POST.get("measure", ""),
            files=request.FILES.getlist("evidence"),
        ),
        "异议已提交，营商办将在公示期结束前答复。",
    )
    return redirect("assessment:run", pk=run.pk)


@login_required
@require_POST
def objection_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = perm.access_objection(request.user, pk)
    _act(
        request,
        lambda: services.objection_decide(
            actor=request.user,
            objection=objection,
            accept=request.POST.get("action") == "accept",
            decision=request.POST.get("decision", ""),
            seen_version=_seen(request),
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
            "can_decide": perm.can_manage(request.user) and objection.state == wf.SUBMITTED,
        },
    )


# --- indicator sets -------------------------------------------------------------------------------------


def _indicator_rows(request: AuthedRequest) -> list[dict[str, Any]]:
    rows = []
    for i in range(len(measures.REGISTRY) + 2):
        key = request.POST.get(f"measure_{i}", "")
        if not key:
            continue
        rows.append(
            {
                "measure": key,
                "name": request.POST.get(f"name_{i}", ""),
                "kind": request.POST.get(f"kind_{i}", ""),
                "weight": request.POST.get(f"weight_{i}", "0") or "0",
                "higher_is_better": request.POST.get(f"hib_{i}") == "1",
                "points_per_item": request.POST.get(f"points_{i}", "1") or "1",
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def indicator_set_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _require(perm.can_view_assessment(request.user))
    instance = get_object_or_404(IndicatorSet, pk=pk) if pk else None
    if request.method == "POST":
        _require(perm.can_manage(request.user))
        try:
            saved = services.indicator_set_save(
                actor=request.user,
                indicator_set=instance,
                name=request.POST.get("name", ""),
                groups=request.POST.getlist("groups"),
                deduction_cap=request.POST.get("deduction_cap", "0") or "0",
                bonus_cap=request.POST.get("bonus_cap", "0") or "0",
                is_active=request.POST.get("is_active") == "1",
                note=request.POST.get("note", ""),
                indicators=_indicator_rows(request),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            rows = _indicator_rows(request)
        else:
            messages.success(request, "指标体系已保存。")
            return redirect("assessment:set_edit", pk=saved.pk)
    else:
        rows = [
            {
                "measure": i.measure,
                "name": i.name,
                "kind": i.kind,
                "weight": i.weight,
                "higher_is_better": i.higher_is_better,
                "points_per_item": i.points_per_item,
            }
            for i in (instance.indicators.all() if instance else [])
        ]
    used = {row["measure"] for row in rows}
    blank = [
        {
            "measure": "",
            "name": "",
            "kind": d.kind,
            "weight": "",
            "higher_is_better": d.higher_is_better,
            "points_per_item": 1,
            "suggest": k,
        }
        for k, d in measures.REGISTRY.items()
        if k not in used
    ]
    ctx = {
        "instance": instance,
        "rows": rows + blank[:2],
        "choices": measures.choices(),
        "kinds": [(k.value, k.label) for k in services.Indicator.Kind],
        "groups": GROUPS,
        "post": request.POST if request.method == "POST" else None,
        "sets": selectors.indicator_sets(),
        "can_manage": perm.can_manage(request.user),
        "registry": measures.REGISTRY,
    }
    return render(request, "assessment/indicator_set.html", ctx)


# --- bonus items ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bonus_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_assessment(request.user))
    if request.method == "POST":
        _require(perm.can_manage(request.user))
        department = Department.objects.filter(pk=request.POST.get("department") or 0).first()
        try:
            awarded_on = date.fromisoformat(request.POST.get("awarded_on", ""))
        except ValueError:
            awarded_on = None
        if department is None or awarded_on is None:
            messages.error(request, "请选择单位并填写事项日期。")
        else:
            _act(
                request,
                lambda: services.bonus_item_create(
                    actor=request.user,
                    department=department,
                    title=request.POST.get("title", ""),
                    points=request.POST.get("points", ""),
                    awarded_on=awarded_on,
                    basis=request.POST.get("basis", ""),
                ),
                "加分事项已登记，待认定。",
            )
        return redirect("assessment:bonus_list")
    qs = selectors.bonus_items(
        request.user, status=request.GET.get("status", ""), department=request.GET.get("department", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/bonus_list.html",
        {
            "page": page,
            "filters": request.GET,
            "statuses": BonusItem.Status.choices,
            "departments": Department.objects.filter(is_active=True, kind__in=list(GROUPS)).order_by(
                "sort_order", "code"
            ),
            "can_manage": perm.can_manage(request.user),
        },
    )


@login_required
@require_POST
def bonus_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(perm.can_manage(request.user))
    item = get_object_or_404(BonusItem, pk=pk)
    _act(
        request,
        lambda: services.bonus_item_decide(
            actor=request.user,
            item=item,
            approve=request.POST.get("action") == "approve",
            note=request.POST.get("note", ""),
        ),
        "已审核。",
    )
    return redirect("assessment:bonus_list")


# --- bulletin -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    _require(perm.can_manage(request.user))
    bulletin = Bulletin.objects.filter(run=run).first()
    if request.method == "POST":
        ok = _act(
            request,
            lambda: services.bulletin_save(
                actor=request.user,
                run=run,
                title=request.POST.get("title", ""),
                sections={k: request.POST.get(k, "") for k in bulletin_mod.SECTION_KEYS},
            ),
            "通报文字已保存。",
        )
        if ok:
            return redirect("assessment:bulletin", pk=run.pk)
    defaults = bulletin_mod.default_sections(run) if run.state != wf.DRAFT else {}
    texts = {**defaults, **{k: v for k, v in ((bulletin.sections if bulletin else {}) or {}).items() if v}}
    if request.method == "POST":
        texts = {k: request.POST.get(k, "") for k in bulletin_mod.SECTION_KEYS}
    sections = [
        {"key": k, "title": bulletin_mod.SECTION_TITLES[k], "text": texts.get(k, "")}
        for k in bulletin_mod.SECTION_KEYS
    ]
    return render(
        request,
        "assessment/bulletin.html",
        {
            "run": run,
            "bulletin": bulletin,
            "title": (bulletin.title if bulletin else bulletin_mod.default_title(run)),
            "sections": sections,
            "is_draft": run.state == wf.DRAFT,
        },
    )


@login_required
@require_GET
def bulletin_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    run = perm.access_run(request.user, pk)
    _require(
        perm.can_manage(request.user)
        or (
            perm.can_view_assessment(request.user)
            and run.state == wf.PUBLISHED
            and Bulletin.objects.filter(run=run, serial__isnull=False).exists()
        )
    )
    try:
        if perm.can_manage(request.user):
            bulletin, docx, xlsx = bulletin_mod.generate(actor=request.user, run=run)
        else:
            bulletin = Bulletin.objects.get(run=run)
            docx = bulletin_mod.render(bulletin_mod.build_document(run, bulletin))
            xlsx = bulletin_mod.build_xlsx(run, request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:run", pk=run.pk)
    if fmt == "xlsx":
        response = HttpResponse(xlsx, content_type=XLSX_TYPE)
        name = f"{bulletin.title}（附表）.xlsx"
    else:
        response = HttpResponse(
            docx, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        name = f"{bulletin.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- 营商环境指标监测 ------------------------------------------------------------------------------------


@login_required
@require_GET
def monitoring(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_monitoring(request.user))
    first = request.GET.get("level", "")
    rows = evaluation.monitoring_rows(first if first in evaluation.FIRST_LEVEL else "")
    all_rows = rows if not first else evaluation.monitoring_rows()
    for row in rows:
        row.can_report = services.can_report_evaluation(request.user, row.indicator)  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/monitoring.html",
        {
            "rows": rows,
            "weakest": evaluation.weakest(all_rows),
            "levels": evaluation.FIRST_LEVEL,
            "level_scores": evaluation.first_level_scores(all_rows),
            "filters": request.GET,
            "periods": evaluation.period_choices(),
            "can_manage": perm.can_manage(request.user),
            "departments": Department.objects.filter(is_active=True)
            .exclude(kind="sub")
            .order_by("sort_order", "code"),
            "default_deadline": timezone.localdate().replace(month=12, day=31),
        },
    )


@login_required
@require_POST
def monitoring_indicator_save(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_manage(request.user))
    pk = request.POST.get("indicator", "")
    instance = EvaluationIndicator.objects.filter(pk=pk).first() if pk.isdigit() else None
    department = Department.objects.filter(pk=request.POST.get("department") or 0).first()

    def save() -> Any:
        if department is None:
            raise services.ValidationFailed("请选择责任单位。")
        try:
            frontier = float(request.POST.get("frontier", ""))
            worst = float(request.POST.get("worst", ""))
        except ValueError as exc:
            raise services.ValidationFailed("前沿值和最差值应为数字。") from exc
        return services.evaluation_indicator_save(
            actor=request.user,
            indicator=instance,
            first_level=request.POST.get("first_level", ""),
            name=request.POST.get("name", ""),
            unit=request.POST.get("unit", ""),
            department=department,
            frontier=frontier,
            worst=worst,
            higher_is_better=request.POST.get("higher_is_better") == "1",
        )

    _act(request, save, "指标已保存。")
    return redirect("assessment:monitoring")


@login_required
@require_POST
def monitoring_report(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(EvaluationIndicator, pk=pk)
    if not services.can_report_evaluation(request.user, indicator):
        raise Http404
    _act(
        request,
        lambda: services.evaluation_value_report(
            actor=request.user,
            indicator=indicator,
            period=request.POST.get("period", ""),
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            files=request.FILES.getlist("evidence"),
        ),
        "监测值已填报。",
    )
    return redirect("assessment:monitoring")


@login_required
@require_POST
def monitoring_to_task(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(perm.can_manage(request.user))
    indicator = get_object_or_404(EvaluationIndicator, pk=pk)
    try:
        deadline = date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        messages.error(request, "请填写完成时限。")
        return redirect("assessment:monitoring")
    try:
        task = services.weak_indicator_to_tasks(actor=request.user, indicator=indicator, deadline=deadline)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:monitoring")
    messages.success(request, f"已生成台账任务，牵头单位：{indicator.department.name}。")
    return redirect(reverse("ledger:task", args=[task.pk]))
