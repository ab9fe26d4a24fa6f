"""Management pages of the three separated admin duties: departments and accounts (系统管理员), roles and
API tokens (安全管理员), imports from .xlsx. Thin: check the duty, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yingshang.core import staging
from yingshang.core.errors import ApplicationError, NotFound, ValidationFailed
from yingshang.core.exports import XLSX_TYPE, xlsx_response
from yingshang.core.http import AuthedRequest
from yingshang.core.models import StagedImport
from yingshang.core.pages import file_response, paginate, require, run_action

from . import imports, selectors, services
from . import roles as r
from .forms import AccountForm, DepartmentForm, ImportForm, RolesForm, TokenForm
from .models import AdminChangeRequest, Department
from .permissions import (
    access_account,
    access_department,
    access_token,
    can_assign_roles,
    can_decide_admin_changes,
    can_manage_accounts,
    can_manage_departments,
    can_manage_tokens,
    can_reset_factor,
    can_view_accounts,
)
from .signin import safe_next_url

PAGE_SIZE = 30


def _add_errors(form: Any, exc: ApplicationError) -> None:
    placed = False
    for name, errors in exc.fields.items():
        if name in form.fields:
            for error in errors:
                form.add_error(name, error)
            placed = True
    if not placed or not exc.fields:
        form.add_error(None, exc.message)


# ---- departments -------------------------------------------------------------------------------


@login_required
def department_list(request: AuthedRequest) -> HttpResponse:
    require(can_manage_departments(request.user))
    q = request.GET.get("q", "").strip()
    active = request.GET.get("active", "")
    tree = selectors.department_tree(q=q, active=active)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="单位列表.xlsx",
            title="单位列表",
            headers=["单位编码", "单位全称", "简称", "别名", "类型", "上级单位", "排序", "状态"],
            rows=(
                [
                    d.department.code,
                    d.department.name,
                    d.department.short_name,
                    d.department.aliases,
                    d.department.get_kind_display(),
                    d.department.parent.name if d.department.parent else "",
                    d.department.sort_order,
                    "启用" if d.department.is_active else "停用",
                ]
                for d in tree
            ),
            user=request.user,
            audit_action="department.export",
            filters=selectors.filters_summary({"q": q, "active": active}),
            widths=[12, 36, 20, 30, 10, 30, 8, 8],
        )
    return render(
        request,
        "org/manage/department_list.html",
        {"tree": tree, "q": q, "active": active, "query": request.GET.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_departments(request.user))
    department = access_department(request.user, pk) if pk else None
    choices = selectors.department_choices(exclude_subtree_of=department)
    initial = {}
    if department is not None:
        initial = {
            "code": department.code,
            "name": department.name,
            "short_name": department.short_name,
            "aliases": "、".join(department.aliases),
            "kind": department.kind,
            "parent": department.parent_id,
            "sort_order": department.sort_order,
            "is_active": department.is_active,
        }
    form = DepartmentForm(request.POST or None, initial=initial, department_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["parent"] = Department.objects.get(pk=data["parent"]) if data["parent"] else None
        try:
            if department is None:
                is_active = data.pop("is_active")
                department = services.department_create(actor=request.user, **data)
                if not is_active:
                    services.department_update(actor=request.user, department=department, is_active=False)
                messages.success(request, f"已新增单位“{department.name}”。")
            else:
                services.department_update(actor=request.user, department=department, **data)
                messages.success(request, f"已保存单位“{department.name}”。")
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            return redirect("org:department_list")
    return render(request, "org/manage/department_form.html", {"form": form, "department": department})


# ---- accounts ----------------------------------------------------------------------------------


def _account_filters(request: AuthedRequest) -> dict[str, Any]:
    department = request.GET.get("department", "")
    return {
        "q": request.GET.get("q", "").strip(),
        "department": int(department) if department.isdigit() else None,
        "role": request.GET.get("role", ""),
        "status": request.GET.get("status", ""),
    }


@login_required
def account_list(request: AuthedRequest) -> HttpResponse:
    require(can_view_accounts(request.user))
    filters = _account_filters(request)
    qs = selectors.user_list(**filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="账号列表.xlsx",
            title="账号列表",
            headers=["账号", "姓名", "手机号", "所属单位", "角色", "待确认角色", "状态", "最近登录"],
            rows=(
                [
                    u.username,
                    u.real_name,
                    u.masked_mobile,
                    u.department.name if u.department else "",
                    u.role_labels,
                    u.pending_role_labels,
                    "启用" if u.is_active else "停用",
                    u.last_login,
                ]
                for u in qs.iterator()
            ),
            user=request.user,
            audit_action="user.export",
            filters=selectors.filters_summary(filters),
            widths=[16, 12, 16, 32, 24, 16, 8, 18],
        )
    page = paginate(request, qs, PAGE_SIZE)
    locked = selectors.locked_usernames([u.username for u in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/manage/account_list.html",
        {
            "page": page,
            "locked": locked,
            "filters": filters,
            "department_choices": selectors.department_choices(),
            "role_choices": r.role_choices(),
            "query": query.urlencode(),
            "can_manage": can_manage_accounts(request.user),
            "can_assign": can_assign_roles(request.user),
            "can_reset_factor": can_reset_factor(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_accounts(request.user))
    account = access_account(request.user, pk) if pk else None
    initial = {}
    if account is not None:
        initial = {
            "real_name": account.real_name,
            "mobile": account.mobile,
            "email": account.email,
            "department": account.department_id,
        }
    form = AccountForm(
        request.POST or None,
        initial=initial,
        department_choices=selectors.department_choices(),
        editing=account is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = Department.objects.get(pk=data["department"]) if data["department"] else None
        try:
            if account is None:
                account = services.account_open(
                    actor=request.user,
                    username=data["username"],
                    real_name=data["real_name"],
                    mobile=data["mobile"],
                    email=data["email"],
                    department=department,
                )
                messages.success(
                    request,
                    f"已新增账号“{account.username}”，设置密码的链接已发到本人登记的手机或邮箱。",
                )
                return redirect("org:account_list")
            services.user_update(
                actor=request.user,
                user=account,
                real_name=data["real_name"],
                mobile=data["mobile"],
                email=data["email"],
                department=department,
            )
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已保存账号“{account.username}”。")
            return redirect("org:account_list")
    return render(request, "org/manage/account_form.html", {"form": form, "account": account})


@login_required
@require_POST
def account_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_manage_accounts(request.user))
    account = access_account(request.user, pk)
    active = request.POST.get("active") == "1"
    run_action(
        request,
        lambda: services.user_set_active(actor=request.user, user=account, active=active),
        f"账号“{account.username}”已{'启用' if active else '停用'}。",
    )
    return redirect(safe_next_url(request, request.POST.get("next"), "org:account_list"))


def _proposed_or_done(request: AuthedRequest, change: AdminChangeRequest | None, done: str) -> None:
    if change is not None:
        messages.info(
            request,
            f"对管理员账号的{change.get_kind_display()}已提交，须由另一名管理员在“待确认变更”中确认后生效。",
        )
    else:
        messages.success(request, done)


@login_required
@require_POST
def account_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """Sends the holder a one-time link; the page never shows a password, token or link."""
    return _account_reset(
        request,
        pk,
        allowed=can_manage_accounts,
        reset=services.user_reset_password,
        done="已向“{}”本人登记的手机或邮箱发送重置密码链接，24 小时内有效。",
    )


@login_required
@require_POST
def account_reset_factor(request: AuthedRequest, pk: int) -> HttpResponse:
    return _account_reset(
        request,
        pk,
        allowed=can_reset_factor,
        reset=services.user_reset_factor,
        done="已清除“{}”的动态口令，本人下次登录时须重新绑定。",
    )


def _account_reset(request: AuthedRequest, pk: int, *, allowed: Any, reset: Any, done: str) -> HttpResponse:
    """A reset done at once, or proposed for a second admin's confirmation (admin-duty accounts)."""
    require(allowed(request.user))
    account = access_account(request.user, pk)
    try:
        change = reset(actor=request.user, user=account)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        _proposed_or_done(request, change, done.format(account.username))
    return redirect("org:account_list")


@login_required
@require_POST
def account_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_manage_accounts(request.user))
    account = access_account(request.user, pk)
    services.user_unlock(actor=request.user, user=account)
    messages.success(request, f"账号“{account.username}”已解除锁定。")
    return redirect(safe_next_url(request, request.POST.get("next"), "org:account_list"))


@login_required
@require_http_methods(["GET", "POST"])
def account_roles(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_assign_roles(request.user))
    account = access_account(request.user, pk)
    initial_roles = sorted(account.role_codes or account.pending_role_codes)
    form = RolesForm(request.POST or None, initial={"roles": initial_roles})
    if request.method == "POST" and form.is_valid():
        try:
            change = services.user_set_roles(
                actor=request.user, user=account, roles=set(form.cleaned_data["roles"])
            )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            _proposed_or_done(request, change, f"已保存账号“{account.username}”的角色。")
            return redirect("org:account_list")
    return render(request, "org/manage/account_roles.html", {"form": form, "account": account})


# ---- two-person changes on admin-duty accounts ------------------------------------------------


@login_required
@require_GET
def admin_change_list(request: AuthedRequest) -> HttpResponse:
    require(can_decide_admin_changes(request.user))
    state = request.GET.get("state", AdminChangeRequest.State.PENDING)
    if state not in AdminChangeRequest.State.values:
        state = AdminChangeRequest.State.PENDING
    page = paginate(request, selectors.admin_changes(state=state), PAGE_SIZE)
    return render(
        request,
        "org/manage/admin_change_list.html",
        {
            "page": page,
            "state": state,
            "states": AdminChangeRequest.State.choices,
            "State": AdminChangeRequest.State,
        },
    )


@login_required
@require_POST
def admin_change_decide(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    require(can_decide_admin_changes(request.user))
    change = get_object_or_404(AdminChangeRequest.objects.select_related("target", "proposed_by"), pk=pk)
    try:
        services.admin_change_decide(actor=request.user, change=change, action=action)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{change.get_kind_display()}（{change.target.username}）：{change.get_state_display()}。",
        )
    return redirect("org:admin_change_list")


# ---- API tokens --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    require(can_manage_tokens(request.user))
    holders = list(selectors.token_holders())
    form = TokenForm(request.POST or None, holders=holders)
    if request.method == "POST" and form.is_valid():
        holder = next(u for u in holders if u.pk == form.cleaned_data["user"])
        try:
            token, raw = services.api_token_create(
                actor=request.user, user=holder, name=form.cleaned_data["name"]
            )
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            return render(request, "org/manage/token_shown.html", {"token": token, "raw": raw})
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="接口令牌.xlsx",
            title="接口令牌",
            headers=["名称", "前缀", "代表账号", "签发时间", "最近使用", "吊销时间"],
            rows=(
                [t.name, t.prefix, t.user.username, t.created_at, t.last_used_at, t.revoked_at]
                for t in selectors.token_list()
            ),
            user=request.user,
            audit_action="api_token.export",
            widths=[24, 10, 16, 18, 18, 18],
        )
    page = paginate(request, selectors.token_list(), PAGE_SIZE)
    return render(request, "org/manage/token_list.html", {"page": page, "form": form})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    run_action(
        request,
        lambda: services.api_token_revoke(actor=request.user, token=token),
        f"令牌“{token.name}”已吊销，立即失效。",
    )
    return redirect("org:token_list")


# ---- imports -----------------------------------------------------------------------------------


def _import_allowed(request: AuthedRequest, kind: str) -> None:
    if kind not in imports.KINDS:
        raise Http404
    require(
        can_manage_departments(request.user) if kind == "department" else can_manage_accounts(request.user)
    )


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    _import_allowed(request, kind)
    return file_response(imports.template_workbook(kind), f"{imports.TITLES[kind]}模板.xlsx", XLSX_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest, kind: str) -> HttpResponse:
    """Upload and preview: nothing is imported; a file that passes the check waits as the user's staged import,
    which `?token=` reopens in any session of the same user until it is confirmed or expires."""
    _import_allowed(request, kind)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = imports.check(kind, content)
        if report.ok:
            token = staging.stage(
                actor=request.user, kind=kind, file_name=upload.name, content=content, payload={}
            ).token
    elif request.method == "GET" and request.GET.get("token"):
        staged = _open_staged(request, kind, request.GET["token"])
        if staged is None:
            return redirect("org:import", kind=kind)
        report = imports.check(kind, bytes(staged.content))  # checked again: the database may have changed
        token = staged.token if report.ok else ""
    return render(
        request,
        "org/manage/import.html",
        {
            "form": form,
            "kind": kind,
            "title": imports.TITLES[kind],
            "columns": imports.KINDS[kind],
            "report": report,
            "token": token,
        },
    )


def _open_staged(request: AuthedRequest, kind: str, token: str) -> StagedImport | None:
    try:
        return staging.get_for_owner(actor=request.user, kind=kind, token=token)
    except NotFound as exc:
        raise Http404 from exc
    except staging.StagedImportGone as exc:
        messages.warning(request, exc.message)
        return None


@login_required
@require_POST
def import_commit(request: AuthedRequest, kind: str) -> HttpResponse:
    _import_allowed(request, kind)
    token = request.POST.get("token", "")
    try:
        with staging.consume(actor=request.user, kind=kind, token=token) as staged:
            _report, result = imports.commit(
                kind, bytes(staged.content), actor=request.user, filename=staged.file_name
            )
    except NotFound as exc:
        raise Http404 from exc
    except staging.StagedImportGone as exc:
        messages.warning(request, exc.message)
        return redirect("org:import", kind=kind)
    except ValidationFailed as exc:
        # Rolled back with the claim: the reopened preview lists what is wrong now.
        messages.error(request, exc.message)
        return redirect(f"{reverse('org:import', args=[kind])}?token={token}")
    return render(
        request,
        "org/manage/import_done.html",
        {"kind": kind, "title": imports.TITLES[kind], "result": result, "count": len(result.created)},
    )
