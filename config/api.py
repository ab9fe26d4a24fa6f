"""The JSON API (django-ninja, OpenAPI at /api/docs and /api/openapi.json). Each app contributes a
`router` in its `api.py`; errors are always {code, message, fields}."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yingshang.core.api_auth import SignedInSessionAuth, TokenAuth
from yingshang.core.api_messages import validation_message
from yingshang.core.errors import ApplicationError, codes_markdown

api = NinjaAPI(
    title="营商环境闭环管理平台 API",
    version="1",
    description=(
        "企业诉求接入、状态查询、部门待办等接口。系统对接使用 `Authorization: Bearer <令牌>` 认证；"
        "已在页面完成登录（含动态口令）的会话也可调用，写操作须带 `X-CSRFToken`。\n\n"
        "出错时返回 `{code, message, fields}`：`message` 是给人看的说明，`fields` 是逐字段的错误，"
        "`code` 是稳定的错误代码，可据此区分各种拒绝。全部代码如下：\n\n" + codes_markdown()
    ),
    auth=[TokenAuth(), SignedInSessionAuth()],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        # ("body", "payload", "title") → "title": integrators name the JSON field, not our parameter.
        path = list(err.get("loc", []))
        path = path[2:] if path[:1] == ["body"] and len(path) > 2 else path[1:]
        loc = ".".join(str(p) for p in path) or "__all__"
        fields.setdefault(loc, []).append(validation_message(err))
    return _error(request, 422, "invalid", "提交的内容有误，请检查后重试。", fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "unauthorized", "缺少有效的接口令牌。")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "记录不存在或无权查看。")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", "您没有执行该操作的权限。")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


for _app in apps.get_app_configs():
    if _app.name.startswith("yingshang.") and find_spec(f"{_app.name}.api"):
        _module = import_module(f"{_app.name}.api")
        if hasattr(_module, "router"):
            api.add_router(f"/{_app.label}/", _module.router)
