"""Demo supervision: orders on ledger tasks and findings, leader instructions, inspections with findings in
every state, typical cases published over the past two quarters, and the reminders due today.
Everything goes through the services, past events at the time they happened (`as_of`); the deadlines of a few
current items are set afterwards to show them overdue or due soon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang.org.demo.history import as_of, at, department_liaison, pdf, quarter_start
from yingshang.workdays.calendar import add_workdays

from . import services
from .models import Finding, Instruction, SupervisionOrder

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _set_deadline(model: Any, pk: int, **deadlines: dt.date) -> None:
    """A current item shown overdue or due soon: a deadline the services would refuse, set afterwards."""
    model.objects.filter(pk=pk).update(**deadlines)


def seed(ctx: dict[str, Any]) -> None:
    users, departments = ctx["users"], ctx["departments"]
    office, inspector = users["office"], users["inspector"]
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
                    evidence=[pdf("整改报告.pdf")],
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
            _set_deadline(
                Finding,
                finding.pk,
                rectification_deadline=deadline if state != "assigned" else add_workdays(today, 2),
            )
            findings.append(finding)

    _instructions(users, departments, today)

    # Supervision orders: on ledger tasks where the ledger demo made some, and on findings.
    targets: list[Any] = [
        t for t in ctx.get("ledger_tasks", []) if t.state in {"not_started", "in_progress"}
    ][:3]
    targets += [f for f in findings if f.state == "assigned"][:2]
    orders: list[SupervisionOrder] = []
    levels = ["listed", "key", "normal", "key", "normal"]
    for n, (target, level) in enumerate(zip(targets, levels, strict=False)):
        # The second was issued a fortnight ago and is past its reply deadline now.
        with as_of(now - dt.timedelta(days=15) if n == 1 else now):
            order = services.order_issue(
                actor=office,
                target=target,
                level=level,
                requirement="请对照任务要求查找差距，明确整改措施和完成时限，按时书面答复。",
                reply_deadline=add_workdays(today, -3 if n == 1 else 5),
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
                actor=handler,
                order=first,
                action="answer",
                data={"reply": "已制定整改方案，明确责任人和时间表，本月底前完成。"},
            )

    _cases(users["discipline"], departments, today)

    _seed_history(ctx, today)

    # One manual reminder, then the automatic ones due today.
    overdue = next((f for f in findings if f.state == "assigned"), None)
    if overdue is not None:
        overdue.refresh_from_db()
        services.reminder_send(
            actor=office, item=overdue, message="该问题已超过整改时限，请于本周内报告整改情况。"
        )
    services.reminder_scan()
    ctx["supervision_orders"] = orders


def _instructions(users: dict[str, Any], departments: dict[str, Any], today: dt.date) -> None:
    """Leader instructions: one replied, one assigned and due soon, one concluded."""
    leader, liaison, liaison_zj, liaison_sp = (
        users["leader"],
        users["liaison"],
        users["liaison_zj"],
        users["liaison_sp"],
    )
    scj, zjj, xzsp = departments["SCJ"], departments["ZJJ"], departments["XZSP"]
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
    _set_deadline(Instruction, instructions[1].pk, deadline=add_workdays(today, 2))


def _cases(discipline: Any, departments: dict[str, Any], today: dt.date) -> None:
    """Typical cases over the past two quarters (published ones feed the assessment and the bulletin)."""
    scj, zjj, xzsp = departments["SCJ"], departments["ZJJ"], departments["XZSP"]
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


# --- history of the two quarters before the current one ------------------------------------------------
# Inspections with findings whose rectification fell due then (most closed in time, some late, some returned)
# and supervision orders due then (most concluded in time, some answered late, one never answered), so the
# frozen quarterly assessments rank on supervision facts. Each step runs through the services on the day it
# happened (`as_of`), so the deadlines they check and the times they stamp are the ones of that day.

# (quarter 0|1 (two back|one back), day in quarter of the inspection, place, mode, summary,
#  [(finding, department code, rectification days after the inspection, outcome)])
# outcomes: ontime (reported in time, verified and closed), late (reported after the deadline, closed),
# returned (report returned, not redone), reported (awaiting verification), open (never reported).
HISTORY_INSPECTIONS: list[tuple[int, int, str, str, str, list[tuple[str, str, int, str]]]] = [
    (
        0,
        18,
        "示例市政务服务中心社保医保综合窗口",
        "covert",
        "暗访社保、医保业务“一窗通办”，发现个别事项仍需企业往返多个窗口。",
        [
            ("社保参保登记与医保登记未实现“一表申请”，企业需分别填表", "RSJ", 30, "ontime"),
            ("医保窗口一次性告知单内容与办事指南不一致", "YBJ", 25, "ontime"),
            ("综合窗口周末预约服务未按公示开放", "XZSP", 20, "late"),
        ],
    ),
    (
        0,
        52,
        "东城区、西城区政务服务中心",
        "open",
        "明察区级政务服务中心“办不成事”反映窗口运行情况。",
        [
            ("“办不成事”反映窗口未设置受理台账，诉求办理情况无法追溯", "DQ", 35, "ontime"),
            ("区级中心部分事项仍要求提交纸质营业执照复印件", "XQ", 40, "returned"),
            ("窗口工作人员对“容缺受理”事项清单不熟悉", "XQ", 40, "ontime"),
        ],
    ),
    (
        1,
        8,
        "市住建局、市城管局涉企审批和执法窗口",
        "covert",
        "暗访工程建设项目审批和城管涉企执法，抽查执法记录和审批时限。",
        [
            ("施工许可审批超承诺时限办结3件，未说明原因", "ZJJ", 30, "ontime"),
            ("占道施工审批仍要求企业提供街道办意见", "CGJ", 30, "ontime"),
            ("对首次轻微违法商户未落实“首违不罚”，直接作出罚款决定", "CGJ", 35, "returned"),
        ],
    ),
    (
        1,
        30,
        "高新区、南湖区企业服务中心",
        "open",
        "检查惠企政策兑现和企业用电、用水报装服务情况。",
        [
            ("惠企资金兑现超过承诺时限，未向企业反馈进度", "GX", 30, "ontime"),
            ("园区企业用水报装仍需现场踏勘两次以上", "SWJ", 35, "late"),
            ("南湖区企业服务中心政策咨询热线转接后无人应答", "NQ", 30, "reported"),
            ("税费政策“一对一”辅导台账记录不完整", "SWUJ", 30, "ontime"),
            ("环评审批窗口未公开园区规划环评结论", "STJ", 40, "ontime"),
        ],
    ),
    (
        0,
        70,
        "北山县政务服务中心、市公安局出入境接待大厅",
        "covert",
        "暗访县级涉农经营主体服务和出入境涉企业务办理情况。",
        [
            ("涉农经营主体贷款贴息申请材料重复提交，未实现数据共享", "BX", 30, "late"),
            ("外籍人员来华工作许可与居留许可未落实“一窗受理”", "GAJ", 35, "returned"),
            ("司法行政窗口公证事项办理时限公示与实际不符", "SFJ", 30, "ontime"),
        ],
    ),
]

# (target: "finding:<index in the list above>" or "task:<lead department code>" (an open task of the ledger
#  history), quarter, day in quarter of the reply deadline, outcome) — outcomes: ontime, late (answered after the deadline),
#  open (signed, never answered).
HISTORY_ORDERS: list[tuple[str, int, int, str]] = [
    ("finding:0", 0, 40, "ontime"),
    ("finding:2", 0, 36, "ontime"),
    ("finding:3", 0, 80, "late"),
    ("finding:4", 0, 88, "ontime"),
    ("task:ZGJ", 1, 20, "ontime"),
    ("task:XQ", 1, 50, "late"),
    ("finding:7", 1, 35, "ontime"),
    ("finding:8", 1, 62, "ontime"),
    ("task:JTJ", 1, 70, "ontime"),
    ("task:NQ", 1, 78, "open"),
    ("finding:11", 1, 50, "late"),
    ("task:TJJ", 1, 85, "ontime"),
    ("finding:13", 1, 70, "ontime"),
    ("finding:15", 1, 30, "late"),
    ("task:FGW", 1, 45, "late"),
]


def _department_handler(ctx: dict[str, Any], department: Any) -> Any:
    from yingshang.org.models import User

    staff = services.department_people([department.pk]).get(department.pk, {"liaison": []})["liaison"]
    if staff:
        return User.objects.get(pk=staff[0])
    return department_liaison(ctx, department.code)


def _seed_history(ctx: dict[str, Any], today: dt.date) -> None:
    users, departments = ctx["users"], ctx["departments"]
    office, inspector = users["office"], users["inspector"]
    quarters = [quarter_start(today, 2), quarter_start(today, 1)]
    findings: list[tuple[Finding, str]] = []
    for quarter, day, place, mode, summary, items in HISTORY_INSPECTIONS:
        on = quarters[quarter] + dt.timedelta(days=day)
        with as_of(at(on)):
            inspection = services.inspection_create(
                actor=inspector,
                date=on,
                place=place,
                team="赵明、钱亮（营商办督查组）",
                mode=mode,
                summary=summary,
                photos=[_photo(f"现场照片{on:%Y%m%d}.png")],
            )
        for text, code, days, outcome in items:
            with as_of(at(on, 16)):
                finding = services.finding_create(
                    actor=inspector,
                    inspection=inspection,
                    description=text,
                    department=departments[code],
                    rectification_deadline=on + dt.timedelta(days=days),
                )
            findings.append((finding, outcome))
    # Orders come before the findings move on: an order is issued on an item still open.
    for target_key, quarter, day, outcome in HISTORY_ORDERS:
        kind, key = target_key.split(":")
        target: Any
        if kind == "finding":
            target = findings[int(key)][0]
        else:
            target = next(
                (
                    t
                    for t in [*ctx.get("ledger_history_tasks", []), *ctx.get("ledger_tasks", [])]
                    if t.primary_lead_id == departments[key].pk and t.state in {"not_started", "in_progress"}
                ),
                None,
            )
            if target is None:
                continue
        deadline = quarters[quarter] + dt.timedelta(days=day)
        issued = deadline - dt.timedelta(days=12)
        with as_of(at(issued)):
            order = services.order_issue(
                actor=office,
                target=target,
                level="key" if kind == "task" else "normal",
                requirement="该任务进度滞后、未按期反馈进展，请说明原因，提出补救措施和完成时限，按期书面答复。"
                if kind == "task"
                else "请对照问题清单逐项落实整改，明确责任人和完成时限，按期书面答复。",
                reply_deadline=deadline,
            )
        handler = _department_handler(ctx, order.department)
        signed = issued + dt.timedelta(days=1)
        answered = deadline + dt.timedelta(days=9) if outcome == "late" else deadline - dt.timedelta(days=3)
        answered = min(answered, today - dt.timedelta(days=3))  # loaded early in a quarter: nothing ahead
        with as_of(at(signed)):
            services.order_transition(actor=handler, order=order, action="sign")
        if outcome != "open":
            with as_of(at(answered)):
                services.order_transition(
                    actor=handler,
                    order=order,
                    action="answer",
                    data={
                        "reply": "已成立工作专班，倒排工期、挂图作战，补报了进展情况，预计下月完成全部任务。"
                        if kind == "task"
                        else "已成立整改专班，问题已整改到位，相关制度已修订印发，佐证材料已报送。"
                    },
                )
            with as_of(at(answered + dt.timedelta(days=2))):
                services.order_transition(
                    actor=office, order=order, action="conclude", data={"note": "答复情况属实，予以办结。"}
                )
    for finding, outcome in findings:
        if outcome == "open":
            continue
        handler = _department_handler(ctx, finding.department)
        deadline = finding.rectification_deadline
        reported = deadline + dt.timedelta(days=6) if outcome == "late" else deadline - dt.timedelta(days=4)
        reported = min(reported, today - dt.timedelta(days=5))
        with as_of(at(reported)):
            services.finding_transition(
                actor=handler,
                finding=finding,
                action="report",
                data={"report": "已完成整改：对照问题逐项整改，修订办事指南并开展窗口人员专题培训。"},
                evidence=[pdf("整改报告.pdf")],
            )
        checked = reported + dt.timedelta(days=3)
        if outcome == "returned":
            with as_of(at(checked)):
                services.finding_transition(
                    actor=inspector,
                    finding=finding,
                    action="return",
                    data={"reason": "回访发现问题仍然存在，整改不到位，请重新整改。"},
                )
        elif outcome in {"ontime", "late"}:
            with as_of(at(checked)):
                services.finding_transition(
                    actor=inspector, finding=finding, action="verify", data={"note": "经回访核实，整改到位。"}
                )
            with as_of(at(checked + dt.timedelta(days=1))):
                services.finding_transition(actor=office, finding=finding, action="close")
