"""Demo data for smart dispatch: put the demo appeals into the similarity index (so the hotspot page and
duplicate linking see them) and train a model if the demo city already has enough handled appeals.
A demo city without enough history gets no model — and so no suggestions — like a real one."""

from typing import Any

from yingshang.core.errors import ValidationFailed


def seed(ctx: dict[str, Any]) -> None:
    from . import services

    try:
        services.index_sync(limit=100_000)
    except Exception:  # the appeals app may not be installed in a trimmed-down demo
        return
    try:
        ctx["routing_model"] = services.train_from_history(actor=None)
    except ValidationFailed:
        ctx["routing_model"] = None
