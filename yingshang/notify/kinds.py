"""Kinds of notice. Each person chooses, per kind, which channels besides the inbox also carry it.
Apps register their own kinds here (code -> Chinese label)."""

KINDS: dict[str, str] = {}


def register_kind(code: str, label: str) -> None:
    KINDS[code] = label


register_kind("system", "系统消息")
register_kind("reminder", "催办提醒")
register_kind("escalation", "催办升级（部门负责人）")
register_kind("supervision_order", "督办通知")
register_kind("instruction", "领导批示")
register_kind("finding", "明察暗访问题整改")
register_kind("typical_case", "典型案例")
