from yingshang.core.navigation import register

from . import roles as r

register(
    "单位管理", "org:department_list", icon="diagram-3", roles={r.SYSADMIN}, section="系统管理", order=10
)
register(
    "账号管理",
    "org:account_list",
    icon="people",
    roles={r.SYSADMIN, r.SECADMIN},
    section="系统管理",
    order=20,
)
register("接口令牌", "org:token_list", icon="key", roles={r.SECADMIN}, section="系统管理", order=30)
register(
    "待确认变更",
    "org:admin_change_list",
    icon="person-check",
    roles={r.SYSADMIN, r.SECADMIN, r.AUDITOR},
    section="系统管理",
    order=25,
)
