"""Every write of the appeals loop, by section: intake, handling, clocks, outbox (回传), hotline import. Each
function runs in one transaction; state changes go through `apply_transition` with the tables in
workflow.py; status pushes to source systems are queued in the outbox in the same transaction and sent by a
job after commit. The public names are repeated here so callers import `yingshang.appeals.services`."""

from .clocks import appeal_deadlines_recompute
from .handling import (
    appeal_close_invalid,
    appeal_dispatch,
    appeal_follow_up,
    appeal_reply,
    appeal_return,
    appeal_sign,
    contact_revealed,
    current_main_dispatch,
    dispatch_sign_co,
    extension_decide,
    extension_request,
    followup_mark_unreasonable,
)
from .hotline import CATEGORY_BY_LABEL, appeals_import
from .intake import (
    ATTACHMENT_TYPES,
    IdempotencyConflict,
    appeal_intake,
    appeal_submit,
    new_tracking_code,
    normalise_phone,
    request_fingerprint,
    submitting_enterprise,
    validate_intake,
)
from .outbox import sign_body, status_payload, webhook_deliver, webhook_retry_due

__all__ = [
    "ATTACHMENT_TYPES",
    "CATEGORY_BY_LABEL",
    "IdempotencyConflict",
    "appeal_close_invalid",
    "appeal_deadlines_recompute",
    "appeal_dispatch",
    "appeal_follow_up",
    "appeal_intake",
    "appeal_reply",
    "appeal_return",
    "appeal_sign",
    "appeal_submit",
    "appeals_import",
    "contact_revealed",
    "current_main_dispatch",
    "dispatch_sign_co",
    "extension_decide",
    "extension_request",
    "followup_mark_unreasonable",
    "new_tracking_code",
    "normalise_phone",
    "request_fingerprint",
    "sign_body",
    "status_payload",
    "submitting_enterprise",
    "validate_intake",
    "webhook_deliver",
    "webhook_retry_due",
]
