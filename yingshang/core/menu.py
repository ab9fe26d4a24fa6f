from yingshang.core.navigation import register
from yingshang.org.roles import ALL_ROLES, OFFICE

register("首页", "core:home", icon="house", roles=ALL_ROLES, section="工作台", order=0)
register("办公室设置", "core:office_settings", icon="sliders", roles={OFFICE}, section="系统管理", order=50)
