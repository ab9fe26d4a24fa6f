"""One error family for the whole platform. Codes are stable English identifiers for machines;
messages are Chinese sentences for people. The API renders them as {code, message, fields}."""

from typing import Any


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
