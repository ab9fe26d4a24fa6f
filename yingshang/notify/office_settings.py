from yingshang.core.office_settings import define

GROUP = "消息通知"

define(
    "notify_max_attempts",
    "消息发送最多尝试次数",
    8,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=50,
    help="邮件、短信、群机器人发送失败后按递增间隔重试，达到该次数仍失败则记为发送失败（记录保留，可手工重发）。",
)
define(
    "notify_retry_base_seconds",
    "首次重试间隔（秒）",
    60,
    kind="int",
    group=GROUP,
    minimum=5,
    maximum=3600,
    help="每次失败后的等待时间翻倍，最长不超过6小时。",
)
define(
    "notify_webhook_timeout_seconds",
    "群机器人请求超时（秒）",
    5,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=60,
)
define(
    "notify_webhook_allowed_hosts",
    "群机器人允许的域名",
    "qyapi.weixin.qq.com oapi.dingtalk.com",
    kind="str",
    group=GROUP,
    help="各单位群机器人地址只能使用这些域名（以空格或逗号分隔，须完全一致），且只用 https；"
    "解析到内网、本机或保留地址的一律拒绝。默认为企业微信和钉钉的官方机器人域名。",
)
