"""Demo data for smart dispatch: put the demo appeals into the similarity index (so the hotspot page and
duplicate linking see them) and train a model from the demo city's own handled appeals, so the office sees
suggestions on a fresh `make run`."""

from typing import Any

from yingshang.core.errors import ValidationFailed

# The demo city has about 120 handled appeals spread over its units, fewer per unit than the office setting
# asks of a real city (routing.min_examples); the demo trains on what it has.
DEMO_MIN_EXAMPLES = 5


def seed(ctx: dict[str, Any]) -> None:
    from . import services

    try:
        services.index_sync(limit=100_000)
    except Exception:  # the appeals app may not be installed in a trimmed-down demo
        return
    try:
        ctx["routing_model"] = services.train_from_history(actor=None, min_examples=DEMO_MIN_EXAMPLES)
    except ValidationFailed:
        ctx["routing_model"] = None
