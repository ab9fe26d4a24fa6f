from yingshang.core.office_settings import define

# Nothing in the code deletes audit records: there is no pruning job. Whoever archives old records
# (a database administrator, by hand, oldest first: on SQLite the append-only triggers allow deleting only
# from the oldest end; on PostgreSQL the trigger is switched off for the session) must keep at least this
# many days; the floor is the legal minimum.
define(
    "audit_retention_days",
    "审计记录保存期限（天）",
    180,
    kind="int",
    group="安全审计",
    help="审计记录至少保存的天数，不得少于180天。系统不自动删除审计记录，归档清理须由数据库管理员按此期限执行。",
    minimum=180,
)
