from yingshang.core.navigation import register
from yingshang.org import roles as r

VIEWERS = r.CITY_WIDE_ROLES | r.DEPARTMENT_ROLES
SECTION = "考核评价"

register("考核结果", "assessment:runs", icon="trophy", roles=VIEWERS, section=SECTION, order=10)
register("红黑榜", "assessment:lists", icon="flag", roles=VIEWERS, section=SECTION, order=20)
register("指标监测", "assessment:monitoring", icon="speedometer2", roles=VIEWERS, section=SECTION, order=30)
register("考核指标体系", "assessment:set_new", icon="sliders", roles={r.OFFICE}, section=SECTION, order=40)
register(
    "加分事项", "assessment:bonus_list", icon="award", roles={r.OFFICE, r.LEADER}, section=SECTION, order=50
)
