from typing import Any

from django.db.models import QuerySet

from .models import ChannelPreference, Delivery, Notification, NotifyProfile


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user: Any) -> dict[str, list[str]]:
    return {p.kind: p.channels() for p in ChannelPreference.objects.filter(user=user)}


def profile_of(user: Any) -> NotifyProfile:
    return NotifyProfile.objects.filter(user=user).first() or NotifyProfile(user=user)


def deliveries(*, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("notification", "notification__recipient")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")
