"""What an audit action, a role list and an object type are called in Chinese. Records store codes (stable,
searchable by programs); people read and search these labels. An action without a label here shows its code,
which the English-leak test (core/tests/crawl) reports."""

from __future__ import annotations

from functools import cache

from django.apps import apps

from yingshang.org.roles import ROLE_LABELS

ACTIONS = {
    "api_token.create": "签发接口令牌",
    "api_token.export": "导出接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "appeal.co_sign": "会办单位签收诉求",
    "appeal.deadline_recompute": "重算诉求办理时限",
    "appeal.export": "导出诉求",
    "appeal.extension_request": "申请诉求延期",
    "appeal.import": "导入热线工单",
    "appeal.mark_unreasonable": "认定不合理诉求",
    "appeal.rates_export": "导出诉求办理率",
    "appeal.submit": "提交诉求",
    "appeal.view_contact": "查看诉求人联系方式",
    "assessment_run.compute": "计算考核结果",
    "assessment_run.export": "导出考核结果",
    "attachment.add": "上传附件",
    "attachment.download": "下载附件",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计链",
    "audit.verify_request": "申请校验审计链",
    "auth.locked_out": "账号锁定",
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.otp_enrolled": "绑定动态口令",
    "auth.otp_failed": "动态口令错误",
    "auth.otp_verified": "动态口令验证通过",
    "auth.session_timeout": "会话超时退出",
    "bonus_item.create": "登记加分事项",
    "bonus_item.decide": "认定加分事项",
    "bulletin.generate": "生成通报",
    "bulletin.number": "编发通报文号",
    "bulletin.save": "保存通报",
    "calendar_override.create": "新增工作日调整",
    "calendar_override.change": "修改工作日调整",
    "calendar_override.delete": "删除工作日调整",
    "calendar_year.enter": "录入年度工作日历",
    "calendar_year.mark": "确认年度工作日历",
    "category.create": "新增任务类别",
    "category.update": "修改任务类别",
    "close_out.request": "申请销号",
    "contribution.submit": "提交配合单位意见",
    "dashboard.refresh": "刷新驾驶舱",
    "delivery.retry": "重发消息",
    "department.create": "新增单位",
    "department.export": "导出单位",
    "department.import": "导入单位",
    "department.update": "修改单位",
    "enterprise.create": "新增企业",
    "evaluation_indicator.save": "保存监测指标",
    "evaluation_indicator.to_task": "监测指标转为任务",
    "evaluation_value.report": "填报监测数据",
    "extension.request": "申请任务延期",
    "finding.create": "登记督查发现问题",
    "indicator_set.create": "新建考核指标体系",
    "indicator_set.update": "修改考核指标体系",
    "inspection.create": "新建督查检查",
    "instruction.create": "下达领导批示",
    "ledger.export": "导出台账",
    "ledger.export_download": "下载台账导出文件",
    "ledger.implementation_report_export": "导出落实情况报告",
    "ledger.import": "导入任务分工方案",
    "ledger.update": "修改台账",
    "measure.create": "新增政策措施",
    "measure.create_many": "批量新增政策措施",
    "milestone.complete": "完成任务节点",
    "notify.preferences": "修改消息接收设置",
    "notify.profile": "修改消息接收方式",
    "objection.submit": "提出考核异议",
    "office_setting.change": "修改营商办设置",
    "org.user_update": "修改账号",
    "policy_document.create": "新增政策文件",
    "progress_report.head_approve": "部门负责人审核通过进展",
    "progress_report.head_return": "部门负责人退回进展",
    "progress_report.submit": "报送进展",
    "reminder.send": "发送催办",
    "routing.auto_dispatch": "智能派单",
    "routing.hotspots_export": "导出诉求热点",
    "routing_model.activate": "启用派单模型",
    "routing_model.rollback": "回退派单模型",
    "routing_model.train": "训练派单模型",
    "routing_training.request": "申请训练派单模型",
    "supervision_order.issue": "下发督办单",
    "supervision_order.print": "打印督办单",
    "system.backup": "系统备份",
    "task.adjust": "调整任务",
    "task.create": "新建任务",
    "task.create_many": "批量新建任务",
    "task.export": "导出任务",
    "task.extend": "任务延期",
    "typical_case.create": "登记典型案例",
    "typical_case.names_printable": "典型案例显示当事人名称",
    "user.create": "新建账号",
    "user.disable": "停用账号",
    "user.enable": "启用账号",
    "user.import": "导入账号",
    "user.export": "导出账号",
    "user.password_change": "修改密码",
    "user.password_reset": "重置密码",
    "user.roles": "修改角色",
    "user.unlock": "解除锁定",
    "user.update": "修改账号",
}

# The state machines' records are "<workflow>.<transition>"; the transition has its own label.
WORKFLOW_SUBJECTS = {
    "appeal": "诉求",
    "appeal_extension": "诉求延期",
    "assessment_run": "考核",
    "assessment_objection": "考核异议",
    "bonus_item": "加分事项",
    "task": "任务",
    "extension": "任务延期",
    "supervision_order": "督办单",
    "instruction": "领导批示",
    "finding": "督查发现问题",
    "typical_case": "典型案例",
}


@cache
def all_action_labels() -> dict[str, str]:
    from yingshang.appeals.workflow import APPEAL_WORKFLOW, EXTENSION_WORKFLOW
    from yingshang.assessment.workflow import BONUS, OBJECTION, RUN
    from yingshang.ledger.workflow import EXTENSION, TASK
    from yingshang.supervision.workflow import CASE, FINDING, INSTRUCTION, ORDER

    labels = {}
    for workflow in (
        APPEAL_WORKFLOW,
        EXTENSION_WORKFLOW,
        RUN,
        OBJECTION,
        BONUS,
        TASK,
        EXTENSION,
        ORDER,
        INSTRUCTION,
        FINDING,
        CASE,
    ):
        subject = WORKFLOW_SUBJECTS.get(workflow.name, "")
        for t in workflow.transitions:
            labels[f"{workflow.name}.{t.action}"] = f"{subject}：{t.label}" if subject else t.label
    return {**labels, **ACTIONS}


def action_label(code: str) -> str:
    return all_action_labels().get(code, code)


def actions_matching(text: str) -> list[str]:
    """The action codes a person means by `text`: a code itself, or every action whose label contains it."""
    labels = all_action_labels()
    if text in labels:
        return [text]
    return sorted(code for code, label in labels.items() if text in label)


def roles_label(codes: str) -> str:
    """ "liaison,office" as "部门联络员、营商办"."""
    return "、".join(ROLE_LABELS.get(code, code) for code in codes.split(",") if code)


def object_type_label(label_lower: str) -> str:
    """ "ledger.task" as the model's name, 任务."""
    try:
        return str(apps.get_model(label_lower)._meta.verbose_name)
    except (LookupError, ValueError):
        return label_lower
