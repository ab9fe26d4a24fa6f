from yingshang.core.navigation import register
from yingshang.org.roles import AUDITOR

register("审计日志", "audit:records", icon="journal-text", roles={AUDITOR}, section="系统管理", order=80)
