"""Who may see the audit trail: the 审计管理员 alone (三员分立) — not the office, not the other two admins."""

from typing import Any

from yingshang.org import roles as r


def can_view_audit_log(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(r.AUDITOR)


def can_export_audit_log(user: Any) -> bool:
    return can_view_audit_log(user)


def can_verify_audit_chain(user: Any) -> bool:
    return can_view_audit_log(user)
