"""The state machines of supervision, one table each. The states are the models' `State` choices."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org import roles as r

from .models import Finding, Instruction, SupervisionOrder, TypicalCase

DEPT = {r.LIAISON, r.DEPT_HEAD}

OrderState = SupervisionOrder.State
InstructionState = Instruction.State
FindingState = Finding.State
CaseState = TypicalCase.State


def _states(choices: type) -> dict[str, str]:
    return {s.value: s.label for s in choices}  # type: ignore[attr-defined]


ORDER = Workflow(
    "supervision_order",
    _states(OrderState),
    [
        transition("sign", "签收", [OrderState.ISSUED], OrderState.SIGNED, DEPT, check="in_department"),
        transition(
            "answer",
            "答复",
            [OrderState.SIGNED],
            OrderState.ANSWERED,
            DEPT,
            requires={"reply": "答复内容"},
            check="in_department",
        ),
        transition("conclude", "办结", [OrderState.ANSWERED], OrderState.CONCLUDED, {r.OFFICE}),
        transition(
            "reissue",
            "重新督办",
            [OrderState.ANSWERED],
            OrderState.REISSUED,
            {r.OFFICE},
            requires={"reason": "重新督办理由", "reply_deadline": "新的答复时限"},
        ),
    ],
)
# With the department: reminded, and overdue once past the reply deadline.
ORDER_OPEN = frozenset({OrderState.ISSUED, OrderState.SIGNED})
# Nothing more to do on the item: no further order or reminder.
ORDER_FINISHED = frozenset({OrderState.CONCLUDED, OrderState.REISSUED})

INSTRUCTION = Workflow(
    "instruction",
    _states(InstructionState),
    [
        transition(
            "reply",
            "回复办理情况",
            [InstructionState.ASSIGNED],
            InstructionState.REPLIED,
            DEPT,
            requires={"reply": "办理情况"},
            check="in_department",
        ),
        transition(
            "conclude", "办结", [InstructionState.REPLIED], InstructionState.CONCLUDED, {r.OFFICE, r.LEADER}
        ),
        transition(
            "return",
            "退回重办",
            [InstructionState.REPLIED],
            InstructionState.ASSIGNED,
            {r.OFFICE, r.LEADER},
            requires={"reason": "退回理由"},
        ),
    ],
)
INSTRUCTION_OPEN = frozenset({InstructionState.ASSIGNED})

FINDING = Workflow(
    "finding",
    _states(FindingState),
    [
        transition(
            "report",
            "报告整改情况",
            [FindingState.ASSIGNED],
            FindingState.REPORTED,
            DEPT,
            requires={"report": "整改情况"},
            check="in_department",
        ),
        transition("verify", "复核通过", [FindingState.REPORTED], FindingState.VERIFIED, {r.INSPECTOR}),
        transition(
            "return",
            "退回整改",
            [FindingState.REPORTED],
            FindingState.ASSIGNED,
            {r.INSPECTOR},
            requires={"reason": "退回理由"},
        ),
        transition("close", "销号", [FindingState.VERIFIED], FindingState.CLOSED, {r.INSPECTOR, r.OFFICE}),
    ],
)
FINDING_OPEN = frozenset({FindingState.ASSIGNED})
# Not yet rectified: assigned, or reported and awaiting the inspector.
FINDING_UNRECTIFIED = frozenset({FindingState.ASSIGNED, FindingState.REPORTED})
FINDING_RECTIFIED = frozenset({FindingState.VERIFIED, FindingState.CLOSED})

CASE = Workflow(
    "typical_case",
    _states(CaseState),
    [
        transition("publish", "通报", [CaseState.RECORDED], CaseState.PUBLISHED, {r.DISCIPLINE}),
        transition(
            "unpublish",
            "撤回通报",
            [CaseState.PUBLISHED],
            CaseState.RECORDED,
            {r.DISCIPLINE},
            requires={"reason": "撤回理由"},
        ),
    ],
)
