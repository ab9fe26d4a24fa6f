"""The public doors: the submission form (with or without an account) and the progress lookup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yingshang.core import challenge, ratelimit
from yingshang.core.errors import ApplicationError
from yingshang.core.http import client_address
from yingshang.core.office_settings import get_setting

from .. import selectors, services
from ..forms import SubmitForm, TrackForm
from ..models import Appeal, ExtensionRequest

SUBMIT_LIMIT = "appeal-submit"
TRACK_LIMIT = "appeal-track"
TRACK_CODE_LIMIT = "appeal-track-code"


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
    """Progress lookup with the tracking code and the last four digits of the phone, rate-limited per
    address (every attempt) and per code (failed attempts), in the shared store so every worker counts."""
    form = TrackForm(request.POST or None)
    appeal = None
    status = 200
    error = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        # Counted before the lookup, so parallel guesses cannot all pass one check; a lookup that finds
        # the appeal gives its place back (only failures count against a code).
        per_address = ratelimit.hit(TRACK_LIMIT, client_address(request))
        per_code = ratelimit.hit(TRACK_CODE_LIMIT, code)
        if per_address > int(get_setting("appeals.track_limit_per_ip")) or per_code > int(
            get_setting("appeals.track_limit_per_code")
        ):
            ratelimit.refund(TRACK_CODE_LIMIT, code)
            error, status = "查询过于频繁，请一小时后再试。", 429
        else:
            appeal = selectors.appeal_by_tracking(code, form.cleaned_data["last4"])
            if appeal is None:
                error = "未找到对应的诉求，请核对查询码和联系电话后四位。"
            else:
                ratelimit.refund(TRACK_CODE_LIMIT, code)
    context: dict[str, Any] = {"form": form, "appeal": appeal, "error": error}
    if appeal is not None:
        context["timeline"] = selectors.public_timeline(appeal)
        context["replies"] = list(appeal.replies.select_related("department").order_by("replied_at"))
        context["awaiting_reply"] = appeal.state in (Appeal.State.DISPATCHED, Appeal.State.SIGNED)
        # What the submitter may know of an extension: that it was granted, how long, the new time limit;
        # not the department's reasons.
        context["extensions"] = list(
            appeal.extensions.filter(state=ExtensionRequest.State.APPROVED, dispatch__round=appeal.round)
            .only("days", "new_deadline", "decided_at")
            .order_by("decided_at")
        )
    return render(request, "appeals/track.html", context, status=status)
