from typing import Any

from yingshang.org import roles as r


def can_view_dashboard(user: Any) -> bool:
    """City leaders and the office (and the other city-wide readers) see the whole city."""
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & r.CITY_WIDE_ROLES)


def can_refresh(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE))
