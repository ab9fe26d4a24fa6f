"""The error codes the notify app raises (see core.errors)."""

CODES: dict[str, str] = {
    "notify.unknown_kind": "消息类别未登记",
    "notify.retry_not_failed": "只有发送失败的消息可以重发",
    "notify.notification_missing": "消息不存在或不是发给本人的",
    "notify.department_missing": "要设置群机器人的单位不存在",
    "notify.robot_forbidden": "只有营商办可以设置单位群机器人",
    "notify.robot_flavor": "未选择或不支持的群机器人类型",
    "notify.robot_url_missing": "启用群机器人前须填写地址",
    "notify.robot_url_invalid": "群机器人地址格式无效",
    "notify.robot_address_refused": "群机器人地址不在允许的官方主机之列，未发送",
}
