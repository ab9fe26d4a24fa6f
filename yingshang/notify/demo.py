"""Demo notices: a welcome in every inbox, and the SCJ liaison's choice to get reminders by e-mail too."""

from typing import Any

from . import services


def seed(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    business = [u for u in users.values() if u.role_codes - {"sysadmin", "secadmin", "auditor"}]
    services.notify(
        recipients=business,
        kind="system",
        title="欢迎使用营商环境闭环管理平台",
        body="站内消息始终送达；可在“通知方式”中为各类消息另选电子邮件、短信或工作群机器人。",
        link="/notify/preferences/",
    )
    liaison = users["liaison"]
    if not liaison.email:
        liaison.email = "liaison@scj.example.gov.cn"
        liaison.save(update_fields=["email"])
    services.preferences_set(actor=liaison, choices={"reminder": {"email"}, "escalation": {"email"}})
