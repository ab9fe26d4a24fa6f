from yingshang.core.navigation import register
from yingshang.org.roles import CITY_WIDE_ROLES, DEPARTMENT_ROLES, DEPT_HEAD, LIAISON, OFFICE

READERS = CITY_WIDE_ROLES | DEPARTMENT_ROLES

register(
    "我的任务", "ledger:mine", icon="person-check", roles={LIAISON, DEPT_HEAD}, section="工作台", order=10
)
register("重点任务台账", "ledger:list", icon="list-task", roles=READERS, section="台账管理", order=10)
register(
    "政策文件", "ledger:documents", icon="file-earmark-text", roles=READERS, section="台账管理", order=20
)
register(
    "待审核", "ledger:review", icon="clipboard-check", roles={OFFICE, DEPT_HEAD}, section="台账管理", order=30
)
register("任务类别", "ledger:categories", icon="tags", roles={OFFICE}, section="台账管理", order=90)

from .importing import menu as _import_menu  # noqa: E402, F401  (the import pages register their own entry)
