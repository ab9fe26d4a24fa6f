from typing import Any

from yingshang.org import roles as r


def can_view_deliveries(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(r.OFFICE)


def can_retry_delivery(user: Any, delivery: Any) -> bool:
    return can_view_deliveries(user) and delivery.status == "failed"


def can_manage_robots(user: Any) -> bool:
    """Group-robot addresses make this server open connections: the office alone keeps them."""
    return can_view_deliveries(user)
