from yingshang.core.navigation import register
from yingshang.org import roles as r

SECTION = "企业诉求"
register(
    "诉求工单",
    "appeals:list",
    icon="chat-square-text",
    roles={r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    section=SECTION,
    order=10,
)
register("我的诉求", "appeals:list", icon="chat-square-text", roles={r.ENTERPRISE}, section=SECTION, order=11)
register("提交诉求", "appeals:submit", icon="pencil-square", roles={r.ENTERPRISE}, section=SECTION, order=12)
register(
    "响应率/解决率/满意率",
    "appeals:rates",
    icon="graph-up",
    roles=r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES,
    section=SECTION,
    order=20,
)
register("导入热线工单", "appeals:import", icon="upload", roles={r.OFFICE}, section=SECTION, order=30)
