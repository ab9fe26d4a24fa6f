"""The assessment's state machines, each declared once (the states are the models' `State` choices).
Applied only through the services by `core.workflow.apply_transition`."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org.roles import OFFICE

from .models import AssessmentRun, BonusItem, Objection

RunState = AssessmentRun.State
DRAFT = RunState.DRAFT
FROZEN = RunState.FROZEN
PUBLICITY = RunState.PUBLICITY
PUBLISHED = RunState.PUBLISHED

RUN_STATES = {s.value: s.label for s in RunState}

RUN = Workflow(
    "assessment_run",
    RUN_STATES,
    [
        transition("freeze", "冻结结果", [DRAFT], FROZEN, {OFFICE}),
        transition("start_publicity", "开始公示", [FROZEN], PUBLICITY, {OFFICE}),
        transition("publish", "正式发布", [PUBLICITY], PUBLISHED, {OFFICE}, check="publicity_done"),
    ],
)

ObjectionState = Objection.State
SUBMITTED = ObjectionState.SUBMITTED
DECIDED = {"decision": "处理意见"}
OBJECTION = Workflow(
    "assessment_objection",
    {s.value: s.label for s in ObjectionState},
    [
        transition("accept", "异议成立", [SUBMITTED], ObjectionState.ACCEPTED, {OFFICE}, requires=DECIDED),
        transition("reject", "异议不成立", [SUBMITTED], ObjectionState.REJECTED, {OFFICE}, requires=DECIDED),
    ],
)

BonusState = BonusItem.State
BONUS = Workflow(
    "bonus_item",
    {s.value: s.label for s in BonusState},
    [
        transition("approve", "认定", [BonusState.PENDING], BonusState.APPROVED, {OFFICE}),
        transition("refuse", "不予认定", [BonusState.PENDING], BonusState.REFUSED, {OFFICE}),
    ],
)
