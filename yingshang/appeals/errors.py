"""The error codes the appeals app raises (code → what it means), listed in the API description."""

CODES: dict[str, str] = {
    "appeals.extension_pending": "本轮已有待审批的延期申请",
    "appeals.extension_round_over": "延期申请所在的办理轮次已结束",
}
