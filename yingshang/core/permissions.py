from typing import Any

from yingshang.org import roles as r


def can_edit_office_settings(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE)
