from yingshang.core.navigation import register
from yingshang.org.roles import BUSINESS_ROLES, OFFICE

register("我的消息", "notify:inbox", icon="bell", roles=BUSINESS_ROLES, section="工作台", order=10)
register(
    "通知方式", "notify:preferences", icon="envelope-paper", roles=BUSINESS_ROLES, section="工作台", order=11
)
register("消息投递记录", "notify:deliveries", icon="send-check", roles={OFFICE}, section="系统管理", order=60)
register("单位群机器人", "notify:robots", icon="robot", roles={OFFICE}, section="系统管理", order=61)
