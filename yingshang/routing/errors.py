"""The error codes the routing app (smart dispatch) raises (code → what it means), listed in the API
description."""

CODES: dict[str, str] = {
    "routing.history_too_small": "办理历史不足，无法训练派单模型",
    "routing.no_active_model": "没有在用的派单模型",
    "routing.no_earlier_model": "没有更早的模型版本可以回退",
    "routing.suggestions_refused": "该账号不能查看智能派单建议",
    "routing.training_in_progress": "已有训练任务在进行中",
    "routing.model_refused": "模型文件无法载入或与当前版本不符",
}
