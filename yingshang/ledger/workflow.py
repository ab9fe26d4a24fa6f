"""The ledger's state machines, each declared once. Applied only by `services.task_transition` and
`services.extension_decide` through `core.workflow.apply_transition`."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org.roles import DEPT_HEAD, LIAISON, OFFICE

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
HEAD_REVIEW = "head_review"
CLOSE_REQUESTED = "close_requested"
CLOSED = "closed"
CANCELLED = "cancelled"

DEPARTMENT = {LIAISON, DEPT_HEAD}
OPEN = {NOT_STARTED, IN_PROGRESS}
ACTIVE = {NOT_STARTED, IN_PROGRESS, HEAD_REVIEW, CLOSE_REQUESTED}

TASK_STATES = {
    NOT_STARTED: "未启动",
    IN_PROGRESS: "推进中",
    HEAD_REVIEW: "待部门负责人审核",
    CLOSE_REQUESTED: "待审核",
    CLOSED: "已销号",
    CANCELLED: "已取消",
}

REASON = {"reason": "理由"}

TASK = Workflow(
    "task",
    TASK_STATES,
    [
        # The first progress report starts the task; a lead department can also mark it started.
        transition("start", "开始推进", [NOT_STARTED], IN_PROGRESS, DEPARTMENT, check="is_lead"),
        # Which of the two close-out requests applies depends on the office setting (see the predicates).
        transition(
            "request_close",
            "申请销号",
            OPEN,
            CLOSE_REQUESTED,
            DEPARTMENT,
            requires={"summary": "完成情况", "evidence": "证明材料"},
            check="is_lead_without_head_approval",
        ),
        transition(
            "request_close_to_head",
            "申请销号（报部门负责人审核）",
            OPEN,
            HEAD_REVIEW,
            DEPARTMENT,
            requires={"summary": "完成情况", "evidence": "证明材料"},
            check="is_lead_with_head_approval",
        ),
        transition(
            "head_approve", "部门负责人审核通过", [HEAD_REVIEW], CLOSE_REQUESTED, {DEPT_HEAD}, check="is_lead"
        ),
        transition(
            "head_reject",
            "部门负责人退回",
            [HEAD_REVIEW],
            IN_PROGRESS,
            {DEPT_HEAD},
            requires=REASON,
            check="is_lead",
        ),
        transition("approve_close", "同意销号", [CLOSE_REQUESTED], CLOSED, {OFFICE}, check="final_request"),
        # An approved annual close-out (年度销号) of an ongoing task: the year is done, the task goes on.
        transition(
            "approve_annual", "同意年度销号", [CLOSE_REQUESTED], IN_PROGRESS, {OFFICE}, check="annual_request"
        ),
        transition("reject_close", "退回销号申请", [CLOSE_REQUESTED], IN_PROGRESS, {OFFICE}, requires=REASON),
        transition("reopen", "重新打开", [CLOSED, CANCELLED], IN_PROGRESS, {OFFICE}, requires=REASON),
        transition("cancel", "取消任务", ACTIVE, CANCELLED, {OFFICE}, requires=REASON),
        # Adjusting (deadline, owners, target) keeps the state; one row per source state.
        *[
            transition("adjust", "调整任务", [s], s, {OFFICE}, requires=REASON)
            for s in (NOT_STARTED, IN_PROGRESS)
        ],
    ],
)

EXT_PENDING = "pending"
EXTENSION = Workflow(
    "extension",
    {EXT_PENDING: "待审批", "approved": "已同意", "refused": "不同意"},
    [
        transition("approve", "同意延期", [EXT_PENDING], "approved", {OFFICE}),
        transition("refuse", "不同意延期", [EXT_PENDING], "refused", {OFFICE}, requires=REASON),
    ],
)
