"""What every app's demo uses to load the demo city's history as it happened.

One way to date a record: run the services inside `as_of(moment)`. Everything they stamp with the current
time — created and decided times, timeline lines, audit records, days counted from today — then reads
`moment`, and nothing is written back afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@contextmanager
def as_of(moment: dt.datetime) -> Iterator[None]:
    """The services run as if the clock read `moment` (`timezone.now()`, and `localdate()` through it)."""
    frozen = moment.astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", lambda: frozen):
        yield


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """`day` at `hour`:`minute`, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def quarter_start(today: dt.date, back: int) -> dt.date:
    """The first day of the quarter `back` quarters before today's."""
    month = ((today.month - 1) // 3) * 3 + 1 - 3 * back
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def pdf(name: str) -> SimpleUploadedFile:
    """A small PDF to attach as evidence."""
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def department_liaison(ctx: dict[str, Any], code: str) -> Any:
    """The liaison of department `code`: one the demo made already, else a new one named like the others."""
    from yingshang.org import roles as r
    from yingshang.org import services as org_services

    from . import DEMO_PASSWORD

    users = ctx["users"]
    department = ctx["departments"][code]
    for user in users.values():
        if user.department_id == department.pk and user.has_role(r.LIAISON):
            return user
    username = f"liaison_{code.lower()}"
    user = org_services.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        real_name=f"{department.display_name}联络员",
        roles={r.LIAISON},
        department=department,
        must_change_password=False,
    )
    users[username] = user
    return user
