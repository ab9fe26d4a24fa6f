from __future__ import annotations

from django.core.management.base import CommandError

from yingshang.org import roles as r
from yingshang.org.models import User

from ...models import IndicatorSet


def office_actor(username: str | None) -> User:
    qs = User.objects.filter(is_active=True)
    user = qs.filter(username=username).first() if username else None
    if user is None and not username:
        user = next((u for u in qs.order_by("id") if u.has_role(r.OFFICE)), None)
    if user is None or not user.has_role(r.OFFICE):
        raise CommandError("没有可用的营商办账号，请用 --user 指定。")
    return user


def indicator_set(value: str | None) -> IndicatorSet:
    qs = IndicatorSet.objects.filter(is_active=True)
    found = (
        (qs.filter(pk=int(value)) if value and value.isdigit() else qs.filter(name=value)) if value else qs
    )
    result = found.order_by("-updated_at", "-id").first()
    if result is None:
        raise CommandError("没有启用的考核指标体系，请先在“考核指标体系”页面设置。")
    return result
