"""Pages of the appeals loop: thin — parse, check access, call one service, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yingshang.core import challenge, ratelimit, staging
from yingshang.core.errors import ApplicationError, NotFound
from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest, client_address
from yingshang.core.masking import mask_phone
from yingshang.core.models import StagedImport
from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.org.models import Department
from yingshang.org.scope import department_ids
from yingshang.supervision.permissions import can_view_supervision

from . import deadlines, imports, rates, selectors, services, tracking
from .forms import RatingForm, SubmitForm, TrackForm
from .models import (
    Appeal,
    Category,
    Dispatch,
    ExtensionRequest,
    FollowUp,
    InvalidReason,
    Source,
    SourceSystem,
)
from .permissions import (
    PREDICATES,
    access_appeal,
    can_import_appeals,
    can_see_full_contact,
    can_view_rates,
    is_office,
)
from .workflow import APPEAL_WORKFLOW

PAGE_SIZE = 20
FILTER_KEYS = (
    "state",
    "department",
    "category",
    "source",
    "urgent",
    "overdue",
    "duplicates",
    "q",
    "start",
    "end",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS if request.GET.get(k, "").strip()}
    for bound in ("start", "end"):
        if bound in filters:
            # The request guard let through an ISO date, possibly with a time: these filters are by day.
            filters[bound] = filters[bound][:10]
    return filters


def _clock(appeal: Appeal, now) -> dict[str, Any] | None:
    if appeal.state == Appeal.State.DISPATCHED:
        left = deadlines.time_left(appeal.sign_deadline, now)
        return {**left, "clock": "签收", "provisional": appeal.sign_deadline_provisional} if left else None
    if appeal.state == Appeal.State.SIGNED:
        left = deadlines.time_left(appeal.reply_deadline, now)
        return {**left, "clock": "答复", "provisional": appeal.reply_deadline_provisional} if left else None
    return None


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.appeal_list(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {"appeal": a, "clock": _clock(a, now), "phone": mask_phone(a.contact_phone)} for a in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": query.urlencode(),
        "states": Appeal.State.choices,
        "categories": Category.choices,
        "sources": Source.choices,
        "departments": Department.objects.filter(is_active=True).only("pk", "name", "short_name")
        if department_ids(request.user) is None
        else [],
        "is_enterprise": request.user.has_role(r.ENTERPRISE),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "appeals/list.html#table", context)
    return render(request, "appeals/list.html", context)


@login_required
def appeal_export(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.appeal_list(request.user, filters)[:50000]
    now = timezone.now()
    rows = []
    for a in qs:
        clock = _clock(a, now)
        rows.append(
            [
                a.tracking_code,
                a.received_at,
                a.get_category_display() + ("（紧急）" if a.urgent else ""),
                a.title,
                a.enterprise_name,
                a.contact_name,
                mask_phone(a.contact_phone),
                a.state_label,
                str(a.main_department or ""),
                clock["label"] if clock else "",
                "是" if a.duplicate_of_id else "",
            ]
        )
    return xlsx_response(
        filename=f"企业诉求_{timezone.localdate():%Y%m%d}.xlsx",
        title="企业诉求工单",
        headers=[
            "查询码",
            "受理时间",
            "类型",
            "标题",
            "企业",
            "联系人",
            "联系电话",
            "状态",
            "主办单位",
            "时限",
            "重复",
        ],
        rows=rows,
        user=request.user,
        audit_action="appeal.export",
        filters=filters,
        widths=[18, 18, 10, 30, 28, 10, 14, 10, 20, 16, 6],
    )


SUBMIT_LIMIT = "appeal-submit"


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Public, mobile-friendly form: with an enterprise account or without any account. Anonymous
    submissions are limited per address (office setting); past the limit each one needs the answer to a
    question the app asks."""
    user = request.user
    enterprise = services.submitting_enterprise(user)
    address = client_address(request)
    limit = int(get_setting("appeals.submit_limit_per_ip"))
    challenged = enterprise is None and ratelimit.count(SUBMIT_LIMIT, address) >= limit
    form = SubmitForm(request.POST or None, enterprise=enterprise, challenged=challenged)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if enterprise is None and ratelimit.hit(SUBMIT_LIMIT, address) > limit and not challenged:
            # Concurrent submissions from this address used the last places since the form was checked.
            challenged, status = True, 429
            error = "该网络地址提交过于频繁，请回答下方验证问题后再提交。"
        else:
            try:
                appeal = services.appeal_submit(
                    actor=user, data=form.cleaned_data, files=request.FILES.getlist("attachments")
                )
            except ApplicationError as exc:
                error = exc.message
                for field, problems in exc.fields.items():
                    if field in form.fields:
                        for problem in problems:
                            form.add_error(field, problem)
            else:
                if enterprise is not None:
                    messages.success(request, f"诉求已提交，查询码 {appeal.tracking_code}。")
                    return redirect("appeals:detail", pk=appeal.pk)
                request.session["appeals_submitted"] = {
                    "code": appeal.tracking_code,
                    "last4": appeal.phone_last4,
                }
                return redirect("appeals:submitted")
    if challenged:
        form.ask(challenge.issue())
    return render(
        request,
        "appeals/submit.html",
        {
            "form": form,
            "error": error,
            "enterprise": enterprise,
            "challenged": challenged,
            "description_max": get_setting("appeals.description_max"),
            "upload_max_mb": get_setting("upload_max_mb"),
        },
        status=status,
    )


def submitted(request: HttpRequest) -> HttpResponse:
    info = request.session.get("appeals_submitted")
    if not info:
        return redirect("appeals:track")
    return render(request, "appeals/submitted.html", {"info": info})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Progress lookup with the tracking code and the last four digits of the phone (`tracking.look_up`)."""
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "appeal": None, "error": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        found = tracking.look_up(
            code=form.cleaned_data["code"], last4=form.cleaned_data["last4"], address=client_address(request)
        )
        context.update(appeal=found.appeal, error=found.error)
        status = found.status
    if context["appeal"] is not None:
        context.update(tracking.page_context(context["appeal"]), rating=RatingForm(initial=form.cleaned_data))
    return render(request, "appeals/track.html", context, status=status)


@require_POST
def track_rate(request: HttpRequest) -> HttpResponse:
    """The anonymous submitter rates the reply: the same look-up (and its limits) as the page, then
    `tracking.appeal_rate_by_submitter`; a wrong code or phone ending is a 404 with nothing recorded."""
    rating = RatingForm(request.POST)
    code, last4 = request.POST.get("code", ""), request.POST.get("last4", "")
    found = tracking.look_up(code=code, last4=last4, address=client_address(request))
    if found.status != 200:
        return render(
            request,
            "appeals/track.html",
            {"form": TrackForm(), "appeal": None, "error": found.error},
            status=found.status,
        )
    if found.appeal is None:
        raise Http404
    appeal, status, rated, error = found.appeal, 200, False, None
    if rating.is_valid():
        data = rating.cleaned_data
        try:
            tracking.appeal_rate_by_submitter(
                appeal=appeal, satisfaction=data["satisfaction"], solved=data["solved"], note=data["note"]
            )
            rated = True
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    appeal.refresh_from_db()
    context: dict[str, Any] = {
        "form": TrackForm(initial={"code": code, "last4": last4}),
        "appeal": appeal,
        "error": error,
        **tracking.page_context(appeal),
        "rating": rating,
        "rated": rated,
        "reopened": rated and appeal.state == Appeal.State.DISPATCHED,
    }
    return render(request, "appeals/track.html", context, status=status)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = access_appeal(request.user, pk)
    context = selectors.appeal_detail(appeal)
    full_contact = can_see_full_contact(request.user, appeal)
    if full_contact:
        services.contact_revealed(actor=request.user, appeal=appeal)
    ids = department_ids(request.user)
    context.update(
        appeal=appeal,
        phone=appeal.contact_phone if full_contact else mask_phone(appeal.contact_phone),
        actions={t.action for t in APPEAL_WORKFLOW.available(appeal, request.user, PREDICATES)},
        clock=_clock(appeal, timezone.now()),
        is_office=is_office(request.user),
        departments=Department.objects.filter(is_active=True) if is_office(request.user) else [],
        return_reasons=Dispatch.ReturnReason.choices,
        invalid_reasons=InvalidReason.choices,
        satisfactions=FollowUp.Satisfaction.choices,
        can_extend=appeal.state == Appeal.State.SIGNED
        and PREDICATES["is_main_department"](request.user, appeal)
        and not any(e.state == "pending" for e in context["extensions"]),
        co_signable=[
            d
            for d in context["dispatches"]
            if d.role == "co" and d.is_current and not d.signed_at and ids and d.department_id in ids
        ],
        extension_max=get_setting("appeals.extension_max_days"),
        # The supervision item page checks can_view_supervision and the appeal's own can_view (passed here).
        can_supervise=can_view_supervision(request.user),
    )
    return render(request, "appeals/detail.html", context)


def _run(request: AuthedRequest, pk: int, done: str, call) -> HttpResponse:
    appeal = access_appeal(request.user, pk)
    seen = request.POST.get("version")
    try:
        call(appeal, int(seen) if seen and seen.isdigit() else None)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("appeals:detail", pk=appeal.pk)


@login_required
@require_POST
def dispatch_action(request: AuthedRequest, pk: int) -> HttpResponse:
    main_id = request.POST.get("main_department")
    main = Department.objects.filter(pk=main_id).first() if main_id and main_id.isdigit() else None
    co = [v for v in request.POST.getlist("co_departments") if v.isdigit()]
    return _run(
        request,
        pk,
        "已派单。",
        lambda a, v: services.appeal_dispatch(
            actor=request.user,
            appeal=a,
            main_department=main,
            co_departments=co,
            instruction=request.POST.get("instruction", "").strip()[:500],
            seen_version=v,
        ),
    )


@login_required
@require_POST
def sign_action(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "已签收。",
        lambda a, v: services.appeal_sign(actor=request.user, appeal=a, seen_version=v),
    )


@login_required
@require_POST
def return_action(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "已退单，退回营商办重新派单。",
        lambda a, v: services.appeal_return(
            actor=request.user,
            appeal=a,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", "").strip(),
            seen_version=v,
        ),
    )


@login_required
@require_POST
def reply_action(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "已答复。",
        lambda a, v: services.appeal_reply(
            actor=request.user,
            appeal=a,
            content=request.POST.get("content", ""),
            files=request.FILES.getlist("attachments"),
            seen_version=v,
        ),
    )


@login_required
@require_POST
def follow_up_action(request: AuthedRequest, pk: int) -> HttpResponse:
    solved_raw = request.POST.get("solved", "")
    solved = {"1": True, "0": False}.get(solved_raw)
    return _run(
        request,
        pk,
        "回访已记录。",
        lambda a, v: services.appeal_follow_up(
            actor=request.user,
            appeal=a,
            satisfaction=request.POST.get("satisfaction", ""),
            solved=solved,
            note=request.POST.get("note", "").strip(),
            seen_version=v,
        ),
    )


@login_required
@require_POST
def close_action(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "已作废。",
        lambda a, v: services.appeal_close_invalid(
            actor=request.user,
            appeal=a,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", "").strip(),
            seen_version=v,
        ),
    )


@login_required
@require_POST
def extension_action(request: AuthedRequest, pk: int) -> HttpResponse:
    days = request.POST.get("days", "")
    return _run(
        request,
        pk,
        "延期申请已提交，等待营商办审批。",
        lambda a, v: services.extension_request(
            actor=request.user,
            appeal=a,
            days=int(days) if days.isdigit() else 0,
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
def extension_decide_action(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(ExtensionRequest.objects.select_related("appeal", "dispatch"), pk=pk)
    return _run(
        request,
        extension.appeal_id,
        "已审批延期申请。",
        lambda a, v: services.extension_decide(
            actor=request.user,
            extension=extension,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", "").strip(),
        ),
    )


@login_required
@require_POST
def unreasonable_action(request: AuthedRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(FollowUp.objects.select_related("appeal"), pk=pk)
    return _run(
        request,
        followup.appeal_id,
        "已认定为不合理诉求，该回访不计入满意率。",
        lambda a, v: services.followup_mark_unreasonable(
            actor=request.user, followup=followup, reason=request.POST.get("reason", "")
        ),
    )


@login_required
@require_POST
def co_sign_action(request: AuthedRequest, pk: int) -> HttpResponse:
    dispatch = get_object_or_404(Dispatch, pk=pk)
    return _run(
        request,
        dispatch.appeal_id,
        "已签收协办任务。",
        lambda a, v: services.dispatch_sign_co(actor=request.user, dispatch=dispatch),
    )


# --- rates -------------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET["start"])
        end = date.fromisoformat(request.GET["end"])
        if end < start:
            raise ValueError
        return start, end, f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    except (KeyError, ValueError):
        pass
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        if not 1 <= quarter <= 4:
            raise ValueError
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1).replace(day=1)
    from datetime import timedelta

    return start, end - timedelta(days=1), f"{year}年第{quarter}季度"


def _rate_rows(user: Any, start: date, end: date) -> list[dict[str, Any]]:
    ids = department_ids(user)
    table = rates.all_rates(start, end, department_ids=ids)
    dept_ids = set().union(*(table[k].keys() for k in rates.RATES))
    names = {d.pk: d.display_name for d in Department.objects.filter(pk__in=dept_ids)}
    rows = []
    for dept_id in dept_ids:
        rows.append(
            {
                "department_id": dept_id,
                "department": names.get(dept_id, dept_id),
                "figures": {k: table[k].get(dept_id) for k in rates.RATES},
                "cells": [{"key": k, "figure": table[k].get(dept_id)} for k in rates.RATES],
                "composite": table["composite"].get(dept_id),
                "composite_pct": None
                if table["composite"].get(dept_id) is None
                else round(table["composite"][dept_id] * 100, 2),
            }
        )
    rows.sort(key=lambda row: (row["composite"] is None, -(row["composite"] or 0), str(row["department"])))
    return rows


@login_required
def rates_page(request: AuthedRequest) -> HttpResponse:
    if not can_view_rates(request.user):
        raise PermissionDenied
    start, end, label = _period(request)
    return render(
        request,
        "appeals/rates.html",
        {
            "rows": _rate_rows(request.user, start, end),
            "rate_names": rates.RATES,
            "start": start,
            "end": end,
            "label": label,
            "year": start.year,
            "quarter": (start.month - 1) // 3 + 1,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 1),
            "weights": {
                k: get_setting(f"appeals.rate_weight_{k}") for k in ("response", "resolution", "satisfaction")
            },
            "basic_weight": get_setting("appeals.rate_basic_weight"),
        },
    )


def _pct(figure: rates.RateFigure | None) -> str:
    if figure is None or figure.value is None:
        return "—"
    return f"{figure.value * 100:.2f}%"


@login_required
def rates_export(request: AuthedRequest) -> HttpResponse:
    if not can_view_rates(request.user):
        raise PermissionDenied
    start, end, label = _period(request)
    rows = []
    for row in _rate_rows(request.user, start, end):
        line: list[Any] = [row["department"]]
        for key in rates.RATES:
            figure = row["figures"][key]
            line += [
                _pct(figure),
                round(figure.numerator, 2) if figure else "",
                figure.denominator if figure else "",
            ]
        line.append("—" if row["composite"] is None else round(row["composite"] * 100, 2))
        rows.append(line)
    headers = ["单位"]
    for name in rates.RATES.values():
        headers += [name, f"{name}分子", f"{name}分母"]
    headers.append("综合得分")
    return xlsx_response(
        filename=f"诉求办理指标_{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        title=f"企业诉求办理指标（{label}）",
        headers=headers,
        rows=rows,
        user=request.user,
        audit_action="appeal.rates_export",
        filters={"start": start.isoformat(), "end": end.isoformat()},
    )


@login_required
def rates_drill(request: AuthedRequest) -> HttpResponse:
    if not can_view_rates(request.user):
        raise PermissionDenied
    rate = request.GET.get("rate", "")
    part = request.GET.get("part", "denominator")
    if rate not in rates.RATES or part not in {"numerator", "denominator", "basic", "satisfied"}:
        raise Http404
    try:
        department_id = int(request.GET.get("department", ""))
    except ValueError as exc:
        raise Http404 from exc
    ids = department_ids(request.user)
    if ids is not None and department_id not in ids:
        raise Http404
    department = get_object_or_404(Department, pk=department_id)
    start, end, label = _period(request)
    qs = rates.rate_records(rate, part, department_id, start, end).order_by("-received_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/drill.html",
        {
            "page": page,
            "rows": [{"appeal": a, "phone": mask_phone(a.contact_phone)} for a in page.object_list],
            "department": department,
            "rate_name": rates.RATES[rate],
            "part_name": {
                "numerator": "分子",
                "denominator": "分母",
                "basic": "基本满意",
                "satisfied": "满意",
            }[part],
            "label": label,
            "query": query.urlencode(),
        },
    )


# --- hotline import ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    """Upload → preview with column mapping → confirm. The preview is a `StagedImport` row, so the confirm
    may reach any worker and any session of the same user; a second confirm imports nothing."""
    if not can_import_appeals(request.user):
        raise PermissionDenied
    systems = SourceSystem.objects.filter(is_active=True)
    context: dict[str, Any] = {"systems": systems, "fields": imports.FIELDS, "required": imports.REQUIRED}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _import_confirm(request, systems, context)
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            context["error"] = "请选择要导入的文件。"
            return render(request, "appeals/import.html", context, status=422)
        try:
            headers, rows = imports.read_table(uploaded)
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "appeals/import.html", context, status=422)
        system_id = request.POST.get("system", "")
        staged = staging.stage(
            actor=request.user,
            kind=StagedImport.Kind.HOTLINE,
            file_name=str(uploaded.name or ""),
            payload={
                "headers": headers,
                "rows": rows,
                "system": int(system_id) if system_id.isdigit() else None,
            },
        )
        context.update(
            staged=_staged_view(staged),
            token=staged.token,
            mapping=imports.guess_mapping(headers),
            preview=rows[:10],
        )
    return render(request, "appeals/import.html", context)


def _staged_view(staged: StagedImport) -> dict[str, Any]:
    return {**staged.payload, "name": staged.file_name}


def _import_confirm(request: AuthedRequest, systems: Any, context: dict[str, Any]) -> HttpResponse:
    token = request.POST.get("token", "")
    mapping: dict[str, int | None] = {}
    payload: dict[str, Any] = {}
    try:
        # A refused import leaves `consume` by its exception, which rolls the claim back: the preview stays
        # open for a corrected column mapping.
        with staging.consume(actor=request.user, kind=StagedImport.Kind.HOTLINE, token=token) as staged:
            payload = _staged_view(staged)
            for field in imports.FIELDS:
                raw = request.POST.get(f"map_{field}", "")
                mapping[field] = int(raw) if raw.isdigit() and int(raw) < len(payload["headers"]) else None
            system = systems.filter(pk=payload["system"]).first() if payload["system"] else None
            mapped = imports.mapped_rows(payload["rows"], mapping)
            created = services.appeals_import(actor=request.user, rows=mapped, source_system=system)
    except NotFound as exc:
        raise Http404 from exc
    except staging.StagedImportGone as exc:
        messages.error(request, exc.message)
        return redirect("appeals:import")
    except ApplicationError as exc:
        context.update(
            staged=payload,
            token=token,
            mapping=mapping,
            error=exc.message,
            problems=exc.fields,
            preview=payload["rows"][:10],
        )
        return render(request, "appeals/import.html", context, status=422)
    messages.success(request, f"已导入 {len(created)} 条热线工单。")
    return redirect(reverse("appeals:list") + "?source=hotline")
