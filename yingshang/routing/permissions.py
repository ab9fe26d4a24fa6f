"""Who may do what in smart dispatch."""

from typing import Any

from yingshang.org import roles as r


def can_manage_routing_model(user: Any) -> bool:
    """Retrain, switch versions and roll back: the office that owns dispatching."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE))


def can_view_hotspots(user: Any) -> bool:
    """Hotspots span every department: the city-wide roles."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE, r.LEADER, r.INSPECTOR))


def can_see_suggestions(user: Any) -> bool:
    return can_manage_routing_model(user)
