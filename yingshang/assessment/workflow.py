"""The assessment's state machines, each declared once. Applied only through `services.run_transition`
and `services.objection_decide` by `core.workflow.apply_transition`."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org.roles import OFFICE

DRAFT = "draft"
FROZEN = "frozen"
PUBLICITY = "publicity"
PUBLISHED = "published"

RUN_STATES = {DRAFT: "草稿", FROZEN: "已冻结", PUBLICITY: "公示中", PUBLISHED: "已发布"}

RUN = Workflow(
    "assessment_run",
    RUN_STATES,
    [
        transition("freeze", "冻结结果", [DRAFT], FROZEN, {OFFICE}),
        transition("start_publicity", "开始公示", [FROZEN], PUBLICITY, {OFFICE}),
        transition("publish", "正式发布", [PUBLICITY], PUBLISHED, {OFFICE}, check="publicity_done"),
    ],
)

SUBMITTED = "submitted"
OBJECTION = Workflow(
    "assessment_objection",
    {SUBMITTED: "待处理", "accepted": "异议成立", "rejected": "异议不成立"},
    [
        transition(
            "accept", "异议成立", [SUBMITTED], "accepted", {OFFICE}, requires={"decision": "处理意见"}
        ),
        transition(
            "reject", "异议不成立", [SUBMITTED], "rejected", {OFFICE}, requires={"decision": "处理意见"}
        ),
    ],
)
