"""The state machines of supervision, one table each."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org import roles as r

DEPT = {r.LIAISON, r.DEPT_HEAD}

ORDER = Workflow(
    "supervision_order",
    {
        "issued": "已下发",
        "signed": "已签收",
        "answered": "已答复",
        "concluded": "已办结",
        "reissued": "已重新督办",
    },
    [
        transition("sign", "签收", ["issued"], "signed", DEPT, check="in_department"),
        transition(
            "answer",
            "答复",
            ["signed"],
            "answered",
            DEPT,
            requires={"reply": "答复内容"},
            check="in_department",
        ),
        transition("conclude", "办结", ["answered"], "concluded", {r.OFFICE}),
        transition(
            "reissue",
            "重新督办",
            ["answered"],
            "reissued",
            {r.OFFICE},
            requires={"reason": "重新督办理由", "reply_deadline": "新的答复时限"},
        ),
    ],
)
ORDER_OPEN = frozenset({"issued", "signed"})

INSTRUCTION = Workflow(
    "instruction",
    {"assigned": "待办理", "replied": "已回复", "concluded": "已办结"},
    [
        transition(
            "reply",
            "回复办理情况",
            ["assigned"],
            "replied",
            DEPT,
            requires={"reply": "办理情况"},
            check="in_department",
        ),
        transition("conclude", "办结", ["replied"], "concluded", {r.OFFICE, r.LEADER}),
        transition(
            "return",
            "退回重办",
            ["replied"],
            "assigned",
            {r.OFFICE, r.LEADER},
            requires={"reason": "退回理由"},
        ),
    ],
)
INSTRUCTION_OPEN = frozenset({"assigned"})

FINDING = Workflow(
    "finding",
    {"assigned": "待整改", "reported": "已报整改", "verified": "已复核", "closed": "已销号"},
    [
        transition(
            "report",
            "报告整改情况",
            ["assigned"],
            "reported",
            DEPT,
            requires={"report": "整改情况"},
            check="in_department",
        ),
        transition("verify", "复核通过", ["reported"], "verified", {r.INSPECTOR}),
        transition(
            "return", "退回整改", ["reported"], "assigned", {r.INSPECTOR}, requires={"reason": "退回理由"}
        ),
        transition("close", "销号", ["verified"], "closed", {r.INSPECTOR, r.OFFICE}),
    ],
)
FINDING_OPEN = frozenset({"assigned"})

CASE = Workflow(
    "typical_case",
    {"recorded": "已登记", "published": "已通报"},
    [
        transition("publish", "通报", ["recorded"], "published", {r.DISCIPLINE}),
        transition(
            "unpublish",
            "撤回通报",
            ["published"],
            "recorded",
            {r.DISCIPLINE},
            requires={"reason": "撤回理由"},
        ),
    ],
)
