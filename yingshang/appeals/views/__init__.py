"""Pages of the appeals loop, by section: the queue, the public doors, the detail page and its actions, the
rates, the hotline import. Thin: parse, check access, call one service or selector, render."""

from .handling import (
    close_action,
    co_sign_action,
    detail,
    dispatch_action,
    extension_action,
    extension_decide_action,
    follow_up_action,
    reply_action,
    return_action,
    sign_action,
    unreasonable_action,
)
from .hotline import import_page
from .public import submit, submitted, track, track_rate
from .queue import appeal_export, appeal_list
from .rates import rates_drill, rates_export, rates_page

__all__ = [
    "appeal_export",
    "appeal_list",
    "close_action",
    "co_sign_action",
    "detail",
    "dispatch_action",
    "extension_action",
    "extension_decide_action",
    "follow_up_action",
    "import_page",
    "rates_drill",
    "rates_export",
    "rates_page",
    "reply_action",
    "return_action",
    "sign_action",
    "submit",
    "submitted",
    "track",
    "track_rate",
    "unreasonable_action",
]
