"""One error family for the whole platform. Codes are stable English identifiers for machines;
messages are Chinese sentences for people. The API renders them as {code, message, fields}.

Each app lists the codes it raises in `<app>/errors.py` as `CODES = {"<app>.<what>": "<meaning>"}`;
`declared_codes()` gathers them for the API description, and a test checks that every code raised in
the tree is declared there. The unprefixed codes below are the family's defaults, shared by all apps."""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

CODES: dict[str, str] = {
    "error": "操作未能完成（未归类的错误）",
    "invalid": "提交的内容有误（字段级错误见 fields）",
    "not_found": "记录不存在，或不在本人可见范围内",
    "forbidden": "当前角色无权执行该操作",
    "transition_refused": "事项当前状态下不能执行该操作",
    "concurrent_change": "事项已被他人处理，须刷新后重试",
    "unauthorized": "缺少有效的接口令牌",
    "http_error": "请求无法按原样处理（如方法或格式不对）",
    "csrf_failed": "以会话调用写操作时请求来源校验未通过",
    "sign_in_incomplete": "会话尚未完成登录（动态口令或改密未完成）",
    "staged_import_gone": "导入预览已过期或已导入，须重新上传",
    "core.unknown_action": "流程中没有这个操作",
    "core.transition_fields_missing": "执行该操作须填写的内容缺失",
    "core.staged_import_missing": "导入预览不存在或不属于本人",
    "core.setting_unknown": "没有这个设置项",
    "core.setting_invalid": "设置项的取值格式不对",
    "core.setting_too_small": "设置项的取值小于下限",
    "core.setting_too_large": "设置项的取值大于上限",
    "core.setting_time_taken": "该生效时间已有一条设置",
    "core.upload_type": "上传文件的类型不在允许之列",
    "core.upload_too_large": "上传文件超过大小上限",
    "core.upload_content_mismatch": "上传文件的内容与扩展名不符",
    "core.upload_archive": "上传的压缩格式文件（xlsx、docx 等）损坏、解压后过大或内含程序",
    "core.upload_macros": "上传的 Office 文件含有宏代码",
    "core.upload_markup": "上传文件中夹带网页代码",
    "core.official_text_missing": "正式答复、办理情况等文字未填写",
    "core.official_text_too_short": "正式答复、办理情况等文字过短",
    "core.backup_vendor": "不支持该数据库的备份",
    "core.backup_manifest": "备份清单缺失或格式版本不符",
    "core.backup_damaged": "备份文件缺失或校验失败",
    "core.backup_other_vendor": "备份来自另一种数据库",
}


def declared_codes() -> dict[str, str]:
    """Every error code the installed Yingshang apps declare (core's first), code → meaning."""
    from django.apps import apps

    codes: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang.") or find_spec(f"{config.name}.errors") is None:
            continue
        codes.update(getattr(import_module(f"{config.name}.errors"), "CODES", {}))
    return codes


def codes_markdown() -> str:
    """The declared codes as a Markdown table, for the API description."""
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in declared_codes().items())
    return f"| code | 含义 |\n|---|---|\n{rows}"


class ApplicationError(Exception):
    code = "error"
    status = 400
    default_message = "操作未能完成。"

    def __init__(
        self, message: str | None = None, *, code: str | None = None, fields: dict[str, Any] | None = None
    ):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(ApplicationError):
    code = "invalid"
    status = 422
    default_message = "提交的内容有误，请检查后重试。"


class NotFound(ApplicationError):
    code = "not_found"
    status = 404
    default_message = "记录不存在或无权查看。"


class PermissionRefused(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = "您没有执行该操作的权限。"


class TransitionRefused(ApplicationError):
    code = "transition_refused"
    status = 409
    default_message = "当前状态下不能执行该操作。"


class ConcurrentChange(ApplicationError):
    code = "concurrent_change"
    status = 409
    default_message = "该事项刚被他人处理过，请刷新后查看最新状态。"


def validation_error_fields(exc: Any) -> dict[str, list[str]]:
    """Turn a Django ValidationError into {field: [messages]}."""
    if hasattr(exc, "message_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(getattr(exc, "messages", [str(exc)]))}
