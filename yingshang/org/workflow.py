"""The two-person rule on admin-duty accounts as one state table: a proposal waits for a second admin-duty
account, who is neither the proposer nor the target, to confirm or reject it; one left too long expires."""

from yingshang.core.workflow import Workflow, transition

from . import roles as r
from .models import AdminChangeRequest

State = AdminChangeRequest.State

ADMIN_CHANGE = Workflow(
    "admin_change",
    dict(State.choices),
    [
        transition(
            "confirm", "确认", [State.PENDING], State.CONFIRMED, r.ADMIN_DUTIES, check="second_person"
        ),
        transition("reject", "驳回", [State.PENDING], State.REJECTED, r.ADMIN_DUTIES, check="second_person"),
        transition(
            "expire", "过期作废", [State.PENDING], State.EXPIRED, r.ADMIN_DUTIES, check="past_deadline"
        ),
    ],
)
