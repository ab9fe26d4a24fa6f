from yingshang.core.navigation import register
from yingshang.org.roles import OFFICE

register("工作日历", "workdays:calendar", icon="calendar3", roles={OFFICE}, section="系统管理", order=55)
