"""The appeal's detail page and the actions on it: each action view parses its form, checks access, calls
one service and goes back to the detail page with a message (`core.pages.run_action`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingshang.core.http import AuthedRequest
from yingshang.core.masking import mask_phone
from yingshang.core.office_settings import get_setting
from yingshang.core.pages import form_errors_message, run_action
from yingshang.org.models import Department
from yingshang.supervision.permissions import can_view_supervision

from .. import selectors, services
from ..forms import (
    ActionForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FollowUpForm,
    ReasonNoteForm,
    ReplyForm,
    UnreasonableForm,
)
from ..models import Appeal, Dispatch, ExtensionRequest, FollowUp, InvalidReason
from ..permissions import (
    PREDICATES,
    access_appeal,
    can_decide_extension,
    can_request_extension,
    can_see_full_contact,
    co_signable,
    is_office,
)
from ..workflow import APPEAL_WORKFLOW
from .queue import clock


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = access_appeal(request.user, pk)
    context = selectors.appeal_detail(appeal)
    full_contact = can_see_full_contact(request.user, appeal)
    if full_contact:
        services.contact_revealed(actor=request.user, appeal=appeal)
    office = is_office(request.user)
    context.update(
        appeal=appeal,
        phone=appeal.contact_phone if full_contact else mask_phone(appeal.contact_phone),
        actions={t.action for t in APPEAL_WORKFLOW.available(appeal, request.user, PREDICATES)},
        clock=clock(appeal, timezone.now()),
        sign_deadline_shown=appeal.state == Appeal.State.DISPATCHED,
        reply_deadline_shown=appeal.state in (Appeal.State.DISPATCHED, Appeal.State.SIGNED),
        is_office=office,
        departments=Department.objects.filter(is_active=True) if office else [],
        return_reasons=Dispatch.ReturnReason.choices,
        invalid_reasons=InvalidReason.choices,
        satisfactions=FollowUp.Satisfaction.choices,
        can_extend=can_request_extension(request.user, appeal, context["extensions"]),
        co_signable=co_signable(request.user, context["dispatches"]),
        decidable={e.pk for e in context["extensions"] if can_decide_extension(request.user, e, appeal)},
        extension_max=get_setting("appeals.extension_max_days"),
        # The supervision item page checks can_view_supervision and the appeal's own can_view (passed here).
        can_supervise=can_view_supervision(request.user),
    )
    return render(request, "appeals/detail.html", context)


def _act(
    request: AuthedRequest,
    appeal_id: int,
    form_class: type[ActionForm],
    ok: str,
    call: Callable[[Appeal, dict[str, Any]], Any],
) -> HttpResponse:
    """The one shape of an action on an appeal: access (404 outside the user's scope), the form, the
    service (its refusal onto the form's fields and into the page message), back to the detail page."""
    appeal = access_appeal(request.user, appeal_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        run_action(request, lambda: call(appeal, form.cleaned_data), ok, form)
    else:
        form_errors_message(request, form)
    return redirect("appeals:detail", pk=appeal.pk)


def _appeal_action(
    form_class: type[ActionForm],
    ok: str,
    service: Callable[..., Any],
    *,
    versioned: bool = True,
    files: bool = False,
) -> Callable[[AuthedRequest, int], HttpResponse]:
    """An action view whose form fields are the service's keyword arguments (plus the version the page
    showed, as `seen_version`, and the uploaded `files` when the service takes them)."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        def call(appeal: Appeal, data: dict[str, Any]) -> Any:
            version = data.pop("version")
            if versioned:
                data["seen_version"] = version
            if files:
                data["files"] = request.FILES.getlist("attachments")
            return service(actor=request.user, appeal=appeal, **data)

        return _act(request, pk, form_class, ok, call)

    return view


dispatch_action = _appeal_action(DispatchForm, "已派单。", services.appeal_dispatch)
sign_action = _appeal_action(ActionForm, "已签收。", services.appeal_sign)
return_action = _appeal_action(ReasonNoteForm, "已退单，退回营商办重新派单。", services.appeal_return)
reply_action = _appeal_action(ReplyForm, "已答复。", services.appeal_reply, files=True)
follow_up_action = _appeal_action(FollowUpForm, "回访已记录。", services.appeal_follow_up)
close_action = _appeal_action(ReasonNoteForm, "已作废。", services.appeal_close_invalid)
extension_action = _appeal_action(
    ExtensionForm, "延期申请已提交，等待营商办审批。", services.extension_request, versioned=False
)


@login_required
@require_POST
def extension_decide_action(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(ExtensionRequest.objects.select_related("appeal", "dispatch"), pk=pk)
    return _act(
        request,
        extension.appeal_id,
        ExtensionDecisionForm,
        "已审批延期申请。",
        lambda appeal, data: services.extension_decide(
            actor=request.user,
            extension=extension,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
    )


@login_required
@require_POST
def unreasonable_action(request: AuthedRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(FollowUp.objects.select_related("appeal"), pk=pk)
    return _act(
        request,
        followup.appeal_id,
        UnreasonableForm,
        "已认定为不合理诉求，该回访不计入满意率。",
        lambda appeal, data: services.followup_mark_unreasonable(
            actor=request.user, followup=followup, reason=data["reason"]
        ),
    )


@login_required
@require_POST
def co_sign_action(request: AuthedRequest, pk: int) -> HttpResponse:
    dispatch = get_object_or_404(Dispatch, pk=pk)
    return _act(
        request,
        dispatch.appeal_id,
        ActionForm,
        "已签收协办任务。",
        lambda appeal, data: services.dispatch_sign_co(actor=request.user, dispatch=dispatch),
    )
