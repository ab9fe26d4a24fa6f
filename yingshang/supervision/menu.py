from yingshang.core.navigation import register
from yingshang.org import roles as r

SUPERVISION_VIEWERS = r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES
SECTION = "督查督办"

register(
    "督办单",
    "supervision:order_list",
    icon="file-earmark-text",
    roles=SUPERVISION_VIEWERS,
    section=SECTION,
    order=10,
)
register(
    "领导批示",
    "supervision:instruction_list",
    icon="pen",
    roles=SUPERVISION_VIEWERS,
    section=SECTION,
    order=20,
)
register(
    "明察暗访",
    "supervision:inspection_list",
    icon="binoculars",
    roles=r.CITY_WIDE_ROLES,
    section=SECTION,
    order=30,
)
register(
    "问题整改", "supervision:finding_list", icon="tools", roles=SUPERVISION_VIEWERS, section=SECTION, order=40
)
register(
    "催办记录",
    "supervision:reminder_list",
    icon="alarm",
    roles=SUPERVISION_VIEWERS,
    section=SECTION,
    order=50,
)
register(
    "典型案例",
    "supervision:case_list",
    icon="exclamation-octagon",
    roles=r.CITY_WIDE_ROLES,
    section=SECTION,
    order=60,
)
