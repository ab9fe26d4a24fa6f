"""The ledger's state machines, each declared once; the states are the models' TextChoices. Tasks and
extensions are moved by `core.workflow.apply_transition`; a progress report's approval and a close-out
request's outcome (no version column of their own) by `core.workflow.Workflow.resolve` and a compare-and-set
on their status, in `services`."""

from yingshang.core.workflow import Workflow, transition
from yingshang.org.roles import DEPT_HEAD, LIAISON, OFFICE

from .models import CloseOutRequest, ExtensionRequest, ProgressReport, Task

NOT_STARTED = Task.State.NOT_STARTED
IN_PROGRESS = Task.State.IN_PROGRESS
HEAD_REVIEW = Task.State.HEAD_REVIEW
CLOSE_REQUESTED = Task.State.CLOSE_REQUESTED
CLOSED = Task.State.CLOSED
CANCELLED = Task.State.CANCELLED

DEPARTMENT = {LIAISON, DEPT_HEAD}
OPEN = {NOT_STARTED, IN_PROGRESS}
ACTIVE = {NOT_STARTED, IN_PROGRESS, HEAD_REVIEW, CLOSE_REQUESTED}

TASK_STATES = dict(Task.State.choices)

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

EXT_PENDING = ExtensionRequest.State.PENDING
EXTENSION = Workflow(
    "extension",
    dict(ExtensionRequest.State.choices),
    [
        transition("approve", "同意延期", [EXT_PENDING], ExtensionRequest.State.APPROVED, {OFFICE}),
        transition(
            "refuse", "不同意延期", [EXT_PENDING], ExtensionRequest.State.REFUSED, {OFFICE}, requires=REASON
        ),
    ],
)

# A liaison's progress report waits for the lead department's head when the office setting asks for it.
REPORT = ProgressReport.Status
REPORT_APPROVAL = Workflow(
    "progress_report",
    dict(REPORT.choices),
    [
        transition(
            "head_approve", "部门负责人审核通过进度反馈", [REPORT.PENDING_HEAD], REPORT.ACCEPTED, {DEPT_HEAD}
        ),
        transition(
            "head_return",
            "部门负责人退回进度反馈",
            [REPORT.PENDING_HEAD],
            REPORT.RETURNED,
            {DEPT_HEAD},
            requires=REASON,
        ),
    ],
)

# The outcome of a close-out request follows the task's close-out transitions (the task's table decides
# who may; this one says which outcome each gives and that only a pending request has one to give).
OUTCOME = CloseOutRequest.Outcome
CLOSE_OUT = Workflow(
    "close_out",
    dict(OUTCOME.choices),
    [
        transition("head_reject", "部门负责人退回销号申请", [OUTCOME.PENDING], OUTCOME.REJECTED, {DEPT_HEAD}),
        transition("approve", "同意销号", [OUTCOME.PENDING], OUTCOME.APPROVED, {OFFICE}),
        transition("reject", "退回销号申请", [OUTCOME.PENDING], OUTCOME.REJECTED, {OFFICE}),
        # Cancelling the task closes its pending request.
        transition("withdraw", "任务取消，销号申请不再审核", [OUTCOME.PENDING], OUTCOME.REJECTED, {OFFICE}),
    ],
)
