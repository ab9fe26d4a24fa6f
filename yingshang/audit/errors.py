"""The error codes the audit app raises (see core.errors)."""

CODES: dict[str, str] = {
    "audit.verify_forbidden": "只有审计管理员可以校验审计链",
}
