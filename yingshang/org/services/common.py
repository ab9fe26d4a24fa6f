"""What the org services share: the account-notice kind, one row's validation, audit-friendly values."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from yingshang.core.errors import ValidationFailed, validation_error_fields
from yingshang.notify.kinds import register_kind

from ..models import Department, User

ACCOUNT_NOTICE = "account_security"


register_kind(ACCOUNT_NOTICE, "账号安全（密码、动态口令、角色变更）")


def full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(code="org.record_invalid", fields=validation_error_fields(exc)) from exc


def plain(value: Any) -> Any:
    if isinstance(value, Department):
        return value.code
    return value


def tell(user: User, title: str, body: str) -> None:
    """Tell the holder (inbox and the channels they chose) that their password, factor or roles changed."""
    from yingshang.notify.services import notify

    notify(recipients=[user], kind=ACCOUNT_NOTICE, title=title, body=body)
