from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yingshang.core.errors import ApplicationError, NotFound
from yingshang.core.http import AuthedRequest
from yingshang.core.pages import paginate, require
from yingshang.org.models import Department
from yingshang.org.signin import safe_next_url

from . import selectors, services
from .forms import PreferencesForm, RobotForm
from .kinds import KINDS
from .models import Channel, Delivery, WebhookFlavor
from .permissions import can_manage_robots, can_retry_delivery, can_view_deliveries


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.inbox(request.user, unread_only=unread_only))
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@require_GET
@login_required
def badge(request: AuthedRequest) -> HttpResponse:
    """The header's unread count; polled with X-Background-Poll so it does not keep an idle session alive.
    A poll from a page whose session has ended (or that still has a sign-in step) is answered with
    HX-Redirect by the sign-in middleware: the whole page goes to the sign-in page, which does not poll, so
    nothing is swapped into the header and the polling stops."""
    return render(request, "notify/_badge.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_GET
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        notification = services.notification_open(actor=request.user, pk=pk)
    except NotFound:
        raise Http404 from None  # someone else's notice is outside the user's scope
    return redirect(safe_next_url(request, notification.link, "notify:inbox"))


@login_required
@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    count = services.notifications_mark_read(actor=request.user, ids=ids)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notify:inbox")


# Fields of the former personal robot address: a robot is now a department setting kept by the office.
PERSONAL_ROBOT_FIELDS = ("webhook_url", "webhook_flavor")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    error = None
    status = 200
    form = PreferencesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and any(field in request.POST for field in PERSONAL_ROBOT_FIELDS):
        error, status = "群机器人地址由营商办按单位设置，个人不能设置；本次未保存任何内容。", 400
    elif request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(actor=request.user, choices=form.choices())
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "通知方式已保存。")
            return redirect("notify:preferences")
    prefs = selectors.preferences_of(request.user)
    rows = [
        {
            "kind": kind,
            "label": label,
            "channels": [(c, label_, c in prefs.get(kind, [])) for c, label_ in Channel.choices],
        }
        for kind, label in KINDS.items()
    ]
    return render(
        request,
        "notify/preferences.html",
        {
            "rows": rows,
            "channels": Channel.choices,
            "robot": selectors.robot_of(request.user),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def robots(request: AuthedRequest) -> HttpResponse:
    require(can_manage_robots(request.user))
    return render(
        request,
        "notify/robots.html",
        {"rows": selectors.department_robots(), "flavors": WebhookFlavor.choices},
    )


@login_required
@require_POST
def robot_set(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set one department's robot; an htmx request gets its table row back, a plain one the page."""
    require(can_manage_robots(request.user))
    form = RobotForm(request.POST)
    form.is_valid()  # every field is optional text: the service judges the values
    error = ""
    try:
        robot = services.robot_set(actor=request.user, department_id=pk, **form.cleaned_data)
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        error = exc.message
    if request.htmx:  # type: ignore[attr-defined]
        department = get_object_or_404(Department, pk=pk)
        current = selectors.robot_of_department(department)
        return render(
            request,
            "notify/robots.html#row",
            {"department": department, "robot": current, "flavors": WebhookFlavor.choices, "error": error},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已保存“{robot.department}”的群机器人设置。")
    return redirect("notify:robots")


@login_required
@require_GET
def deliveries(request: AuthedRequest) -> HttpResponse:
    require(can_view_deliveries(request.user))
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    page = paginate(request, selectors.deliveries(status=status, channel=channel), 30)
    return render(
        request,
        "notify/deliveries.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": Delivery.Status.choices,
            "channels": Channel.choices,
        },
    )


@login_required
@require_POST
def delivery_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    require(can_retry_delivery(request.user, delivery))
    services.delivery_retry(actor=request.user, delivery=delivery)
    messages.success(request, "已重新排队发送。")
    return redirect("notify:deliveries")
