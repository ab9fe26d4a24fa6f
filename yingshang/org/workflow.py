"""The two-person rule on admin-duty accounts as one state table: a proposal waits for a second admin-duty
account, who is neither the proposer nor the target, to confirm or reject it; one left too long expires."""

from yingshang.core.workflow import Workflow, transition

from . import roles as r

ADMIN_CHANGE = Workflow(
    "admin_change",
    {"pending": "待确认", "confirmed": "已确认生效", "rejected": "已驳回", "expired": "已过期"},
    [
        transition("confirm", "确认", ["pending"], "confirmed", r.ADMIN_DUTIES, check="second_person"),
        transition("reject", "驳回", ["pending"], "rejected", r.ADMIN_DUTIES, check="second_person"),
        transition("expire", "过期作废", ["pending"], "expired", r.ADMIN_DUTIES, check="past_deadline"),
    ],
)
