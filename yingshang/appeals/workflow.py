"""The appeals state machine (接诉即办), declared once. `services.py` applies it through
`yingshang.core.workflow.apply_transition`; `permissions.PREDICATES` supplies the object checks.

    submitted ─dispatch→ dispatched ─sign→ signed ─reply→ replied ─conclude→ concluded
                  ↑          │ return                      │ reopen (不满意重办, same department, new round)
    returned ─────┘          ↓                             ↓
                          returned                     dispatched
    close_invalid (spam, duplicate, out of scope): submitted / returned / dispatched / signed → closed
"""

from yingshang.core.workflow import Workflow, transition
from yingshang.org.roles import DEPT_HEAD, ENTERPRISE, LIAISON, OFFICE

from .models import Appeal, Dispatch, ExtensionRequest

S = Appeal.State
DEPARTMENT = {LIAISON, DEPT_HEAD}
# The anonymous submitter rates on the tracking page (`tracking`); the role of a signed-out user.
SUBMITTER = "anonymous"

APPEAL_WORKFLOW = Workflow(
    "appeal",
    {s.value: s.label for s in S},
    [
        transition(
            "dispatch",
            "派单",
            [S.SUBMITTED, S.RETURNED],
            S.DISPATCHED,
            {OFFICE},
            requires={"main_department": "主办单位"},
        ),
        transition("sign", "签收", [S.DISPATCHED], S.SIGNED, DEPARTMENT, check="is_main_department"),
        transition(
            "return",
            "退单",
            [S.DISPATCHED],
            S.RETURNED,
            DEPARTMENT,
            requires={"reason": "退单原因"},
            check="is_main_department",
        ),
        transition(
            "reply",
            "答复",
            [S.SIGNED],
            S.REPLIED,
            DEPARTMENT,
            requires={"content": "答复内容"},
            check="is_main_department",
        ),
        transition(
            "conclude",
            "回访办结",
            [S.REPLIED],
            S.CONCLUDED,
            {OFFICE, ENTERPRISE, SUBMITTER},
            requires={"satisfaction": "满意度", "solved": "是否解决"},
            check="may_follow_up",
        ),
        transition(
            "reopen",
            "不满意重办",
            [S.REPLIED],
            S.DISPATCHED,
            {OFFICE, ENTERPRISE, SUBMITTER},
            requires={"satisfaction": "满意度", "solved": "是否解决"},
            check="may_follow_up",
        ),
        transition(
            "close_invalid",
            "作废",
            [S.SUBMITTED, S.RETURNED, S.DISPATCHED, S.SIGNED],
            S.CLOSED,
            {OFFICE},
            requires={"reason": "作废原因"},
        ),
    ],
)

E = ExtensionRequest.State
EXTENSION_WORKFLOW = Workflow(
    "appeal_extension",
    {s.value: s.label for s in E},
    [
        transition("approve", "同意延期", [E.PENDING], E.APPROVED, {OFFICE}),
        transition("refuse", "不同意延期", [E.PENDING], E.REFUSED, {OFFICE}, requires={"note": "审批意见"}),
    ],
)

OPEN_STATES = frozenset({S.SUBMITTED, S.DISPATCHED, S.SIGNED, S.RETURNED, S.REPLIED})

# A department's part in a round: the co-handler signs its own part (协办签收); the main part is signed by
# the appeal's "sign" transition above. Named "appeal" too: its audit action stays "appeal.co_sign".
D = Dispatch.State
DISPATCH_WORKFLOW = Workflow(
    "appeal",
    {s.value: s.label for s in D},
    [transition("co_sign", "协办签收", [D.PENDING], D.SIGNED, DEPARTMENT, check="is_current_co_department")],
)
