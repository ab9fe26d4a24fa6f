"""What other apps hear from the appeals app, without the appeals app knowing them: an app registers a
listener here in its AppConfig.ready (the routing app offers each new appeal to automatic dispatch).
Listeners run inside the write's transaction and defer their own work with `transaction.on_commit`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AppealListener = Callable[[Any], None]
RECEIVED: list[AppealListener] = []


def on_appeal_received(listener: AppealListener) -> None:
    """`listener(appeal)` is called for every appeal registered, whichever door it came through."""
    if listener not in RECEIVED:
        RECEIVED.append(listener)


def appeal_received(appeal: Any) -> None:
    for listener in RECEIVED:
        listener(appeal)
