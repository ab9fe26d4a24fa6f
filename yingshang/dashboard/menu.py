from yingshang.core.navigation import register
from yingshang.org import roles as r

register("驾驶舱", "dashboard:index", icon="speedometer", roles=r.CITY_WIDE_ROLES, section="工作台", order=5)
