from typing import Any

from django.db.models import QuerySet

from .models import ChannelPreference, Delivery, DepartmentRobot, Notification


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user: Any) -> dict[str, list[str]]:
    return {p.kind: p.channels() for p in ChannelPreference.objects.filter(user=user)}


def robot_of(user: Any) -> DepartmentRobot | None:
    """The group robot the user's notices go to when they choose it (their department's, if enabled)."""
    if not user.department_id:
        return None
    return DepartmentRobot.objects.filter(department_id=user.department_id, enabled=True).first()


def robot_of_department(department: Any) -> DepartmentRobot | None:
    return DepartmentRobot.objects.filter(department=department).first()


def department_robots() -> list[tuple[Any, DepartmentRobot | None]]:
    """Every active department with its robot (None where the office set none)."""
    from yingshang.org.models import Department

    departments = list(Department.objects.filter(is_active=True).order_by("sort_order", "code"))
    robots = {r.department_id: r for r in DepartmentRobot.objects.filter(department__in=departments)}
    return [(d, robots.get(d.pk)) for d in departments]


def deliveries(*, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("notification", "notification__recipient")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")
