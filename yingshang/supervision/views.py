"""Pages of supervision. Thin: parse, access, call one service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yingshang.core.errors import ApplicationError
from yingshang.core.events import timeline_for
from yingshang.core.exports import xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.uploads import attachments_for
from yingshang.org.models import Department

from . import permissions as perm
from . import selectors, services, targets
from .documents import order_notice
from .models import (
    CaseAction,
    Finding,
    Inspection,
    Instruction,
    Level,
    Reminder,
    SupervisionOrder,
    TypicalCase,
)
from .workflow import CASE, FINDING, INSTRUCTION, ORDER

PAGE_SIZE = 20


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("sort_order", "code")


def _department(value: str | None) -> Department | None:
    value = value or ""
    return Department.objects.filter(pk=int(value)).first() if value.isdigit() else None


def _query(request: AuthedRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in {"page", "export"} and v])


def _list_page(
    request: AuthedRequest,
    *,
    qs: QuerySet,
    template: str,
    context: dict[str, Any],
    export: tuple[str, Sequence[str], Callable[[Any], Sequence[Any]], str] | None = None,
) -> HttpResponse:
    if export and request.GET.get("export") == "xlsx":
        title, headers, row, action = export
        return xlsx_response(
            filename=f"{title}{timezone.localdate():%Y%m%d}.xlsx",
            title=title,
            headers=headers,
            rows=(row(obj) for obj in qs.iterator(chunk_size=1000)),
            user=request.user,
            audit_action=action,
            filters=dict(request.GET.items()),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"page": page, "query": _query(request), "filters": request.GET, **context}
    if getattr(request, "htmx", False):
        return render(request, f"{template}#results", ctx)
    return render(request, template, ctx)


def _act(request: AuthedRequest, call: Callable[[], Any], ok: str) -> None:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


def _seen(request: AuthedRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _post_data(request: AuthedRequest, keys: Iterable[str]) -> dict[str, str]:
    return {k: request.POST.get(k, "").strip() for k in keys if request.POST.get(k, "").strip()}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- supervision orders --------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.orders(
        request.user,
        state=g.get("state", ""),
        level=g.get("level", ""),
        department=g.get("department", ""),
        year=g.get("year", ""),
        q=g.get("q", "").strip(),
    )
    return _list_page(
        request,
        qs=qs,
        template="supervision/order_list.html",
        context={
            "states": ORDER.states,
            "levels": Level.choices,
            "departments": _departments(),
            "types": [(k, t.label) for k, t in targets.REGISTRY.items() if t.orderable],
            "can_issue": perm.can_issue_order(request.user),
        },
        export=(
            "督办单台账",
            [
                "编号",
                "督办级别",
                "督办事项",
                "责任单位",
                "督办要求",
                "答复时限",
                "状态",
                "下发时间",
                "答复时间",
                "答复内容",
            ],
            lambda o: [
                o.number,
                o.get_level_display(),
                o.target_label,
                o.department.name,
                o.requirement,
                o.reply_deadline,
                ORDER.label(o.state),
                o.issued_at,
                o.answered_at,
                o.reply,
            ],
            "supervision_order.export",
        ),
    )


@login_required
@require_GET
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = perm.access_order(request.user, pk)
    found = targets.load(order.target_type_id, order.target_id)
    target_url = ""
    if found and found[0].can_view(request.user, found[1]):
        target_url = found[0].url_for(found[1].pk)
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "state_label": ORDER.label(order.state),
            "actions": [t.action for t in ORDER.available(order, request.user, perm.PREDICATES)],
            "timeline": timeline_for(order),
            "reminders": selectors.reminders_for_item(order),
            "target_url": target_url,
            "can_remind": perm.can_remind(request.user) and order.state in {"issued", "signed"},
            "reissued_as": SupervisionOrder.objects.filter(previous=order).first(),
            "attachments": attachments_for(order).filter(purpose="reply"),
        },
    )


@login_required
@require_POST
def order_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    order = perm.access_order(request.user, pk)
    data = _post_data(request, ["reply", "note", "reason", "reply_deadline"])
    _act(
        request,
        lambda: services.order_transition(
            actor=request.user,
            order=order,
            action=action,
            data=data,
            files=request.FILES.getlist("attachments"),
            seen_version=_seen(request),
        ),
        "操作成功。",
    )
    return redirect("supervision:order_detail", pk=order.pk)


@login_required
@require_GET
def order_notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    from yingshang.audit.events import record as audit_record

    order = perm.access_order(request.user, pk)
    audit_record(actor=request.user, action="supervision_order.print", obj=order)
    response = HttpResponse(
        order_notice(order),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(order.number + '督办通知单.docx')}"
    )
    return response


def _target_from_request(request: AuthedRequest) -> tuple[targets.TargetType, Any] | None:
    raw = request.GET.get("target") or request.POST.get("target") or ""
    if not raw and request.GET.get("type") and request.GET.get("id"):
        raw = f"{request.GET['type']}:{request.GET['id'].strip()}"
    label, _, pk = raw.partition(":")
    found = targets.resolve(label, pk) if label and pk else None
    if found and not found[0].can_view(request.user, found[1]):
        return None
    return found


@login_required
@require_http_methods(["GET", "POST"])
def item(request: AuthedRequest) -> HttpResponse:
    """Supervision of one item of any registered type (task, appeal, finding, instruction): its orders,
    instructions and reminders, and the forms to issue an order, remind, or write an instruction."""
    _require(perm.can_view_supervision(request.user))
    found = _target_from_request(request)
    if found is None:
        raise Http404
    kind, obj = found
    ref = f"{kind.model_label}:{obj.pk}"
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "order":
            _require(perm.can_issue_order(request.user))
            department = _department(request.POST.get("department"))
            # The service falls back to the item's own unit; on the page the office must choose it.
            if department is None:
                messages.error(request, "请选择责任单位。")
            else:
                _act(
                    request,
                    lambda: services.order_issue(
                        actor=request.user,
                        target=obj,
                        requirement=request.POST.get("requirement", ""),
                        reply_deadline=_date(request.POST.get("reply_deadline")),
                        level=request.POST.get("level", Level.NORMAL),
                        department=department,
                    ),
                    "督办单已下发。",
                )
        elif what == "remind":
            _require(perm.can_remind(request.user))
            _act(
                request,
                lambda: services.reminder_send(
                    actor=request.user, item=obj, message=request.POST.get("message", "")
                ),
                "已催办。",
            )
        elif what == "instruction":
            _require(perm.can_write_instruction(request.user))
            _act(
                request,
                lambda: services.instruction_create(
                    actor=request.user,
                    department=_department(request.POST.get("department")),
                    content=request.POST.get("content", ""),
                    deadline=_date(request.POST.get("deadline")),
                    target=obj,
                ),
                "批示已交办。",
            )
        return redirect(f"{request.path}?target={ref}")
    ct = kind.content_type
    return render(
        request,
        "supervision/item.html",
        {
            "kind": kind,
            "obj": obj,
            "ref": ref,
            "title": kind.title_of(obj),
            "url": kind.url_for(obj.pk),
            "deadline": kind.deadline_of(obj),
            "closed": kind.is_closed(obj),
            "department_id": kind.department_id_of(obj),
            "orders": selectors.orders_for_item(obj),
            "instructions": Instruction.objects.filter(target_type=ct, target_id=obj.pk).select_related(
                "department"
            ),
            "reminders": selectors.reminders_for_item(obj)[:50],
            "timeline": timeline_for(obj),
            "departments": _departments(),
            "levels": Level.choices,
            "default_deadline": timezone.localdate() + dt.timedelta(days=7),
            "can_issue": perm.can_issue_order(request.user) and kind.orderable,
            "can_remind": perm.can_remind(request.user),
            "can_instruct": perm.can_write_instruction(request.user),
        },
    )


# --- reminders -------------------------------------------------------------------------------------------


@login_required
@require_GET
def reminder_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_supervision(request.user))
    g = request.GET
    date_from, date_to = _date(g.get("from")), _date(g.get("to"))
    qs = selectors.reminders(
        request.user,
        kind=g.get("kind", ""),
        date_from=date_from.isoformat() if date_from else "",
        date_to=date_to.isoformat() if date_to else "",
    )

    def row(x: Reminder) -> list[Any]:
        kind = targets.target_for_content_type(x.content_type)
        return [
            x.created_at,
            x.get_kind_display(),
            kind.label if kind else x.content_type.model,
            x.object_id,
            x.department.name if x.department else "",
            x.deadline,
            x.sequence,
            "是" if x.escalated else "否",
            x.message,
        ]

    return _list_page(
        request,
        qs=qs,
        template="supervision/reminder_list.html",
        context={"kinds": Reminder.Kind.choices, "labels": {k: t.label for k, t in targets.REGISTRY.items()}},
        export=(
            "催办记录",
            ["催办时间", "类型", "事项类型", "事项编号", "责任单位", "时限", "第几次", "已升级", "催办内容"],
            row,
            "reminder.export",
        ),
    )


@login_required
@require_GET
def reminder_go(request: AuthedRequest, pk: int) -> HttpResponse:
    reminder = Reminder.objects.select_related("content_type").filter(pk=pk).first()
    if (
        reminder is None
        or not perm.sees(request.user, reminder.department_id)
        or not perm.can_view_supervision(request.user)
    ):
        raise Http404
    kind = targets.target_for_content_type(reminder.content_type)
    url = kind.url_for(reminder.object_id) if kind else ""
    if not url:
        raise Http404
    return redirect(url)


# --- leader instructions -------------------------------------------------------------------------------


@login_required
@require_GET
def instruction_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.instructions(
        request.user, state=g.get("state", ""), department=g.get("department", ""), q=g.get("q", "").strip()
    )
    return _list_page(
        request,
        qs=qs,
        template="supervision/instruction_list.html",
        context={
            "states": INSTRUCTION.states,
            "departments": _departments(),
            "can_write": perm.can_write_instruction(request.user),
        },
        export=(
            "领导批示办理台账",
            ["批示时间", "批示领导", "批示内容", "相关事项", "承办单位", "办理时限", "状态", "办理情况"],
            lambda o: [
                o.created_at,
                str(o.leader),
                o.content,
                o.target_label,
                o.department.name,
                o.deadline,
                INSTRUCTION.label(o.state),
                o.reply,
            ],
            "instruction.export",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def instruction_create(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_write_instruction(request.user))
    error = None
    if request.method == "POST":
        try:
            obj = services.instruction_create(
                actor=request.user,
                department=_department(request.POST.get("department")),
                content=request.POST.get("content", ""),
                deadline=_date(request.POST.get("deadline")),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "批示已交办。")
            return redirect("supervision:instruction_detail", pk=obj.pk)
    return render(
        request,
        "supervision/instruction_form.html",
        {"departments": _departments(), "error": error, "form": request.POST},
    )


@login_required
@require_GET
def instruction_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_instruction(request.user, pk)
    found = targets.load(obj.target_type_id, obj.target_id) if obj.target_type_id and obj.target_id else None
    return render(
        request,
        "supervision/instruction_detail.html",
        {
            "obj": obj,
            "state_label": INSTRUCTION.label(obj.state),
            "actions": [t.action for t in INSTRUCTION.available(obj, request.user, perm.PREDICATES)],
            "timeline": timeline_for(obj),
            "orders": selectors.orders_for_item(obj),
            "target_url": found[0].url_for(found[1].pk)
            if found and found[0].can_view(request.user, found[1])
            else "",
            "ref": f"supervision.instruction:{obj.pk}",
        },
    )


@login_required
@require_POST
def instruction_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    obj = perm.access_instruction(request.user, pk)
    data = _post_data(request, ["reply", "reason", "note"])
    _act(
        request,
        lambda: services.instruction_transition(
            actor=request.user, instruction=obj, action=action, data=data, seen_version=_seen(request)
        ),
        "操作成功。",
    )
    return redirect("supervision:instruction_detail", pk=obj.pk)


# --- inspections and findings ------------------------------------------------------------------------


@login_required
@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_inspection(request.user))
    g = request.GET
    qs = selectors.inspections(
        request.user,
        mode=g.get("mode", ""),
        date_from=g.get("from", "") if _date(g.get("from")) else "",
        date_to=g.get("to", "") if _date(g.get("to")) else "",
    )
    return _list_page(
        request,
        qs=qs,
        template="supervision/inspection_list.html",
        context={"modes": Inspection.Mode.choices, "can_record": perm.can_record_inspection(request.user)},
        export=(
            "明察暗访记录",
            ["检查日期", "方式", "检查地点", "检查组成员", "检查情况", "发现问题数"],
            lambda o: [o.date, o.get_mode_display(), o.place, o.team, o.summary, o.finding_count],
            "inspection.export",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_record_inspection(request.user))
    error = None
    if request.method == "POST":
        try:
            obj = services.inspection_create(
                actor=request.user,
                date=_date(request.POST.get("date")),  # type: ignore[arg-type]
                place=request.POST.get("place", ""),
                team=request.POST.get("team", ""),
                mode=request.POST.get("mode", Inspection.Mode.OPEN),
                summary=request.POST.get("summary", ""),
                photos=request.FILES.getlist("photos"),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "检查记录已登记，可继续登记发现的问题。")
            return redirect("supervision:inspection_detail", pk=obj.pk)
    return render(
        request,
        "supervision/inspection_form.html",
        {
            "modes": Inspection.Mode.choices,
            "error": error,
            "form": request.POST,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_inspection(request.user, pk)
    if request.method == "POST":
        _require(perm.can_record_inspection(request.user))
        if request.POST.get("what") == "photos":
            _act(
                request,
                lambda: services.inspection_add_photos(
                    actor=request.user, inspection=obj, photos=request.FILES.getlist("photos")
                ),
                "照片已上传。",
            )
        else:
            _act(
                request,
                lambda: services.finding_create(
                    actor=request.user,
                    inspection=obj,
                    description=request.POST.get("description", ""),
                    department=_department(request.POST.get("department")),
                    rectification_deadline=_date(request.POST.get("rectification_deadline")),
                ),
                "问题已交办责任单位。",
            )
        return redirect("supervision:inspection_detail", pk=obj.pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "obj": obj,
            "findings": obj.findings.select_related("department").order_by("id"),
            "photos": attachments_for(obj).filter(purpose="photo"),
            "departments": _departments(),
            "can_record": perm.can_record_inspection(request.user),
            "states": FINDING.states,
            "default_deadline": timezone.localdate() + dt.timedelta(days=14),
        },
    )


@login_required
@require_GET
def finding_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_supervision(request.user))
    g = request.GET
    qs = selectors.findings(request.user, state=g.get("state", ""), department=g.get("department", ""))
    return _list_page(
        request,
        qs=qs,
        template="supervision/finding_list.html",
        context={"states": FINDING.states, "departments": _departments()},
        export=(
            "明察暗访问题整改台账",
            ["登记时间", "问题描述", "责任单位", "整改时限", "状态", "整改情况", "复核意见"],
            lambda o: [
                o.created_at,
                o.description,
                o.department.name,
                o.rectification_deadline,
                FINDING.label(o.state),
                o.report,
                o.verify_note,
            ],
            "finding.export",
        ),
    )


@login_required
@require_GET
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_finding(request.user, pk)
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "obj": obj,
            "state_label": FINDING.label(obj.state),
            "actions": [t.action for t in FINDING.available(obj, request.user, perm.PREDICATES)],
            "timeline": timeline_for(obj),
            "evidence": attachments_for(obj).filter(purpose="evidence"),
            "orders": selectors.orders_for_item(obj),
            "can_see_inspection": perm.can_view_inspection(request.user),
            "ref": f"supervision.finding:{obj.pk}",
        },
    )


@login_required
@require_POST
def finding_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    obj = perm.access_finding(request.user, pk)
    data = _post_data(request, ["report", "reason", "note"])
    _act(
        request,
        lambda: services.finding_transition(
            actor=request.user,
            finding=obj,
            action=action,
            data=data,
            evidence=request.FILES.getlist("evidence"),
            seen_version=_seen(request),
        ),
        "操作成功。",
    )
    return redirect("supervision:finding_detail", pk=obj.pk)


# --- typical cases -------------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_view_cases(request.user))
    g = request.GET
    qs = selectors.cases(
        request.user, state=g.get("state", ""), action=g.get("action", ""), year=g.get("year", "")
    )
    names = perm.can_see_case_names(request.user)

    def row(o: TypicalCase) -> list[Any]:
        people = services.case_people(o)
        shown = "、".join(p["name"] for p in people) if names else f"{len(people)}人"
        return [
            o.case_date,
            o.title,
            "、".join(d.name for d in o.departments.all()),
            o.get_action_display(),
            shown,
            CASE.label(o.state),
            "是" if o.names_printable else "否",
        ]

    return _list_page(
        request,
        qs=qs,
        template="supervision/case_list.html",
        context={
            "states": CASE.states,
            "actions": CaseAction.choices,
            "can_record": perm.can_record_case(request.user),
        },
        export=(
            "典型案例",
            ["处理日期", "案例", "涉及单位", "处理方式", "涉及人员", "状态", "可点名"],
            row,
            "typical_case.export",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    _require(perm.can_record_case(request.user))
    error = None
    if request.method == "POST":
        names = request.POST.getlist("person_name")
        positions = request.POST.getlist("person_position")
        people = [
            {"name": n, "position": p} for n, p in zip(names, positions + [""] * len(names), strict=False)
        ]
        try:
            obj = services.case_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                facts=request.POST.get("facts", ""),
                departments=list(
                    Department.objects.filter(
                        pk__in=[int(i) for i in request.POST.getlist("departments") if i.isdigit()]
                    )
                ),
                people=people,
                action=request.POST.get("action", ""),
                action_detail=request.POST.get("action_detail", ""),
                case_date=_date(request.POST.get("case_date")),  # type: ignore[arg-type]
                names_printable=bool(request.POST.get("names_printable")),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "典型案例已登记。")
            return redirect("supervision:case_detail", pk=obj.pk)
    return render(
        request,
        "supervision/case_form.html",
        {
            "departments": _departments(),
            "actions": CaseAction.choices,
            "error": error,
            "form": request.POST,
            "rows": range(3),
        },
    )


@login_required
@require_GET
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = perm.access_case(request.user, pk)
    names = perm.can_see_case_names(request.user)
    return render(
        request,
        "supervision/case_detail.html",
        {
            "obj": obj,
            "state_label": CASE.label(obj.state),
            "people": services.case_people(obj) if names else [],
            "people_count": len(services.case_people(obj)),
            "show_names": names,
            "actions": [t.action for t in CASE.available(obj, request.user)],
            "can_edit": perm.can_record_case(request.user),
            "timeline": timeline_for(obj),
        },
    )


@login_required
@require_POST
def case_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    obj = perm.access_case(request.user, pk)
    if action == "names_printable":
        _act(
            request,
            lambda: services.case_set_names_printable(
                actor=request.user, case=obj, printable=request.POST.get("printable") == "1"
            ),
            "已保存。",
        )
    else:
        data = _post_data(request, ["reason"])
        _act(
            request,
            lambda: services.case_transition(
                actor=request.user, case=obj, action=action, data=data, seen_version=_seen(request)
            ),
            "操作成功。",
        )
    return redirect("supervision:case_detail", pk=obj.pk)


_ = (Finding,)
