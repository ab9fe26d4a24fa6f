from typing import Any

from yingshang.org import roles as r


def can_manage_calendar(user: Any) -> bool:
    """Only the office (营商办) edits the working-day calendar."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(r.OFFICE)
