"""The public doors: the submission form (with or without an account) and the progress lookup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from yingshang.core import challenge, ratelimit
from yingshang.core.errors import ApplicationError
from yingshang.core.http import client_address
from yingshang.core.office_settings import get_setting

from .. import services, tracking
from ..forms import RatingForm, SubmitForm, TrackForm
from ..models import Appeal

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
