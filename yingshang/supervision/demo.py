"""Demo supervision: orders on ledger tasks and findings, leader instructions, inspections with findings in
every state, typical cases published over the past two quarters, and the reminders due today.
Everything goes through the services; dates of past events are then moved back so the history looks lived."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang.workdays.calendar import add_workdays

from . import services
from .models import Finding, Instruction, SupervisionOrder

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _backdate(model: Any, pk: int, **fields: Any) -> None:
    model.objects.filter(pk=pk).update(**fields)


def seed(ctx: dict[str, Any]) -> None:
    users, departments = ctx["users"], ctx["departments"]
    office, leader, inspector, discipline = (
        users["office"],
        users["leader"],
        users["inspector"],
        users["discipline"],
    )
    liaison, liaison_zj, liaison_sp = users["liaison"], users["liaison_zj"], users["liaison_sp"]
    scj, zjj, xzsp = departments["SCJ"], departments["ZJJ"], departments["XZSP"]
    today = timezone.localdate()
    now = timezone.now()

    # Inspections over the past two quarters, with findings in every state.
    plan = [
        (
            120,
            "示例市政务服务中心企业开办专区",
            "covert",
            "暗访企业开办“一窗通办”，个别窗口仍要求提交已取消的材料。",
            [
                ("企业开办窗口要求申请人提供已取消的房屋租赁备案证明", xzsp, "closed"),
                ("自助服务终端两台故障，未设置故障告示", xzsp, "verified"),
            ],
        ),
        (
            75,
            "东城区不动产登记中心",
            "open",
            "明察不动产登记“交房即交证”落实情况，现场排队时间较长。",
            [
                ("周六延时服务未按公示时间开放", zjj, "reported"),
            ],
        ),
        (
            40,
            "市市场监管局登记注册处",
            "covert",
            "暗访经营范围规范化登记，咨询电话多次无人接听。",
            [
                ("咨询电话工作时间多次无人接听", scj, "assigned_overdue"),
                ("办事指南未更新2025年版经营范围目录", scj, "assigned"),
            ],
        ),
        (
            12,
            "高新区企业服务中心",
            "open",
            "检查惠企政策“免申即享”兑现情况。",
            [
                ("惠企政策兑现台账未按月公开", scj, "returned"),
            ],
        ),
    ]
    findings: list[Finding] = []
    for days_ago, place, mode, summary, items in plan:
        inspection = services.inspection_create(
            actor=inspector,
            date=today - dt.timedelta(days=days_ago),
            place=place,
            team="赵明、钱亮（营商办督查组）",
            mode=mode,
            summary=summary,
            photos=[_photo(f"现场照片{days_ago}.png")],
        )
        for text, dept, state in items:
            handler = {scj.pk: liaison, zjj.pk: liaison_zj, xzsp.pk: liaison_sp}[dept.pk]
            finding = services.finding_create(
                actor=inspector,
                inspection=inspection,
                description=text,
                department=dept,
                rectification_deadline=add_workdays(today, 10),
            )
            deadline = add_workdays(today - dt.timedelta(days=days_ago), 15)
            if state in {"reported", "verified", "closed", "returned"}:
                services.finding_transition(
                    actor=handler,
                    finding=finding,
                    action="report",
                    data={"report": "已完成整改：召开专题会，逐项对照整改，并建立长效机制。"},
                    evidence=[_pdf("整改报告.pdf")],
                )
            if state in {"verified", "closed"}:
                services.finding_transition(
                    actor=inspector, finding=finding, action="verify", data={"note": "经回访核实，整改到位。"}
                )
            if state == "closed":
                services.finding_transition(actor=office, finding=finding, action="close")
            if state == "returned":
                services.finding_transition(
                    actor=inspector,
                    finding=finding,
                    action="return",
                    data={"reason": "佐证材料仅有文字说明，请补充公开截图。"},
                )
            if state in {"assigned_overdue"}:
                deadline = today - dt.timedelta(days=8)
            _backdate(
                Finding,
                finding.pk,
                rectification_deadline=deadline if state != "assigned" else add_workdays(today, 2),
            )
            findings.append(finding)

    # Leader instructions.
    instructions = []
    for content, dept, handler, state in [
        ("企业反映的开办后银行开户难问题要专题研究，一周内拿出办法。", scj, liaison, "replied"),
        ("工程建设项目审批“多测合一”推进慢，请住建局牵头限期解决。", zjj, liaison_zj, "assigned"),
        ("“高效办成一件事”要让企业真正感受到变化，请审批局每月报告进展。", xzsp, liaison_sp, "concluded"),
    ]:
        instruction = services.instruction_create(
            actor=leader, department=dept, content=content, deadline=add_workdays(today, 5)
        )
        if state in {"replied", "concluded"}:
            services.instruction_transition(
                actor=handler,
                instruction=instruction,
                action="reply",
                data={"reply": "已召开专题会议研究，形成工作方案并报市政府。"},
            )
        if state == "concluded":
            services.instruction_transition(actor=leader, instruction=instruction, action="conclude")
        instructions.append(instruction)
    _backdate(Instruction, instructions[1].pk, deadline=add_workdays(today, 2))

    # Supervision orders: on ledger tasks where the ledger demo made some, and on findings.
    targets: list[Any] = [
        t for t in ctx.get("ledger_tasks", []) if t.state in {"not_started", "in_progress"}
    ][:3]
    targets += [f for f in findings if f.state == "assigned"][:2]
    orders: list[SupervisionOrder] = []
    levels = ["listed", "key", "normal", "key", "normal"]
    for target, level in zip(targets, levels, strict=False):
        order = services.order_issue(
            actor=office,
            target=target,
            level=level,
            requirement="请对照任务要求查找差距，明确整改措施和完成时限，按时书面答复。",
            reply_deadline=add_workdays(today, 5),
        )
        orders.append(order)
    if orders:
        first = orders[0]
        staff = services.department_people([first.department_id]).get(first.department_id, {"liaison": []})[
            "liaison"
        ]
        if staff:
            from yingshang.org.models import User

            handler = User.objects.get(pk=staff[0])
            services.order_transition(actor=handler, order=first, action="sign")
            services.order_transition(
                actor=handler, order=first, action="answer", data={"reply": "已制定整改方案，本月底前完成。"}
            )
        if len(orders) > 1:
            _backdate(
                SupervisionOrder,
                orders[1].pk,
                reply_deadline=add_workdays(today, -3),
                issued_at=now - dt.timedelta(days=15),
            )

    # Typical cases over the past two quarters (published ones feed the assessment and the bulletin).
    for days_ago, title, facts, depts, people, action, printable, publish in [
        (
            150,
            "某区不动产登记窗口违规设置前置条件",
            "经查，该窗口要求企业提供法定材料以外的“无欠税证明”，导致办理时间延长12个工作日。",
            [zjj],
            [{"name": "陈某", "position": "窗口负责人"}],
            "criticism",
            True,
            True,
        ),
        (
            100,
            "某部门政策兑现“层层加码”",
            "企业申请惠企资金时被要求重复提交已共享的证照材料，影响政策兑现时效。",
            [scj],
            [{"name": "周某某", "position": "科长"}],
            "admonishment",
            False,
            True,
        ),
        (
            60,
            "某单位对企业诉求推诿扯皮",
            "企业诉求经两次派单仍未签收，相关负责人未履行首接负责制。",
            [xzsp, scj],
            [{"name": "吴某", "position": "副主任"}, {"name": "郑某", "position": "科员"}],
            "disciplinary",
            False,
            True,
        ),
        (
            20,
            "某中介机构借审批之名违规收费",
            "督查发现个别中介机构以“加急”为名向企业收取费用，主管部门监管缺位。",
            [scj],
            [{"name": "孙某", "position": "股长"}],
            "organisational",
            True,
            True,
        ),
        (
            5,
            "某窗口工作人员服务态度生硬",
            "群众反映窗口人员态度生硬，经查属实，正在进一步核查。",
            [xzsp],
            [{"name": "钱某", "position": "工作人员"}],
            "correction",
            False,
            False,
        ),
    ]:
        case = services.case_create(
            actor=discipline,
            title=title,
            facts=facts,
            departments=depts,
            people=people,
            action=action,
            case_date=today - dt.timedelta(days=days_ago),
            names_printable=printable,
        )
        if publish:
            services.case_transition(actor=discipline, case=case, action="publish")

    # One manual reminder, then the automatic ones due today.
    overdue = next((f for f in findings if f.state == "assigned"), None)
    if overdue is not None:
        overdue.refresh_from_db()
        services.reminder_send(
            actor=office, item=overdue, message="该问题已超过整改时限，请于本周内报告整改情况。"
        )
    services.reminder_scan()
    ctx["supervision_orders"] = orders
