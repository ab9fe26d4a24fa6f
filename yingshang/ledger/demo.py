"""Demo ledger: 示例市优化营商环境若干措施 with the five environments, tasks across the demo departments and
two quarters of progress history (on time, late, missing, closed, one close-out awaiting review), built
through the services. Dates are relative to the day the demo is loaded, so the picture stays realistic."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang.core.events import timeline_at
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.org.demo import DEMO_PASSWORD

from . import services
from . import warnings as w
from .models import Category

# (category code, measure, [(task, leads, co, deadline key, cycle, profile, metric, target, unit)])
# deadline keys: "year_end", "next_mid", "overdue", "soon", "ongoing"; profiles: good, due (last cycle not yet
# reported), late, missing, silent, closed, pending, new.
PLAN: list[tuple[str, str, list[tuple]]] = [
    (
        "government",
        "深化“一网通办”改革，提升政务服务效能",
        [
            (
                "推行企业开办“一件事”集成办理，全流程压缩至1个工作日内",
                ["XZSP"],
                ["SCJ", "GAJ", "SWUJ", "RSJ"],
                "year_end",
                "quarter",
                "closed",
                "企业开办时间",
                1,
                "个工作日",
            ),
            (
                "政务服务事项网上可办率达到98%以上",
                ["SJZ"],
                ["XZSP", "ZWB"],
                "year_end",
                "month",
                "good",
                "网上可办率",
                98,
                "%",
            ),
            (
                "推行“高效办成一件事”重点事项清单，年内上线20项",
                ["ZWB"],
                ["SJZ", "XZSP"],
                "year_end",
                "quarter",
                "pending",
                "上线事项",
                20,
                "项",
            ),
            (
                "建立政务服务“好差评”差评整改闭环机制",
                ["ZWB"],
                ["XZSP"],
                "ongoing",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "government",
        "优化工程建设项目审批",
        [
            (
                "社会投资一般工业项目审批时间压缩至20个工作日以内",
                ["ZJJ"],
                ["ZGJ", "XZSP", "STJ"],
                "year_end",
                "month",
                "late",
                "审批时间",
                20,
                "个工作日",
            ),
            (
                "推行“拿地即开工”，年内覆盖50%以上新供工业用地项目",
                ["ZGJ"],
                ["ZJJ", "XZSP"],
                "next_mid",
                "quarter",
                "good",
                "覆盖比例",
                50,
                "%",
            ),
            (
                "实施水电气暖网联合报装“一表申请、一窗受理”",
                ["ZJJ", "GDJ"],
                ["SWJ", "CGJ"],
                "overdue",
                "month",
                "missing",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "market",
        "降低市场主体准入和经营成本",
        [
            (
                "推行经营主体登记“智能审批”，简易登记即来即办",
                ["SCJ"],
                ["XZSP"],
                "year_end",
                "month",
                "due",
                "智能审批占比",
                60,
                "%",
            ),
            (
                "开展涉企违规收费专项整治，清理规范行业协会商会收费",
                ["SCJ"],
                ["FGW", "MZJ", "CZJ"],
                "year_end",
                "quarter",
                "pending",
                "",
                None,
                "",
            ),
            (
                "落实结构性减税降费政策，确保应享尽享",
                ["SWUJ"],
                ["CZJ", "RSJ"],
                "ongoing",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
            (
                "降低企业用电成本，小微企业低压接入“零投资”",
                ["GDJ"],
                ["FGW"],
                "year_end",
                "quarter",
                "closed",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "market",
        "强化金融服务实体经济",
        [
            (
                "普惠小微贷款余额同比增长15%以上",
                ["JRB"],
                ["CZJ", "GXJ"],
                "year_end",
                "month",
                "silent",
                "贷款增速",
                15,
                "%",
            ),
            (
                "建设“信易贷”平台，年内入驻企业突破1万户",
                ["FGW"],
                ["JRB", "SJZ"],
                "next_mid",
                "quarter",
                "late",
                "入驻企业",
                10000,
                "户",
            ),
            (
                "设立应急转贷资金，降低企业转贷成本",
                ["CZJ"],
                ["JRB", "GXJ"],
                "soon",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "market",
        "维护公平竞争市场秩序",
        [
            (
                "全面落实公平竞争审查制度，开展存量政策清理",
                ["SCJ"],
                ["SFJ", "FGW"],
                "year_end",
                "quarter",
                "late",
                "清理文件",
                100,
                "件",
            ),
            (
                "规范招投标市场，推行电子招投标全覆盖",
                ["GTZ"],
                ["FGW", "ZJJ", "JTJ", "SWJ"],
                "year_end",
                "month",
                "good",
                "电子化比例",
                100,
                "%",
            ),
            (
                "清理妨碍统一市场和公平竞争的规定和做法",
                ["FGW"],
                ["SCJ", "SFJ"],
                "overdue",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "rule_of_law",
        "提升涉企执法司法水平",
        [
            (
                "推行包容审慎监管，制定轻微违法行为免罚清单",
                ["SFJ"],
                ["SCJ", "STJ", "YJJ", "CGJ"],
                "year_end",
                "quarter",
                "closed",
                "",
                None,
                "",
            ),
            (
                "推行“综合查一次”，减少入企检查频次30%以上",
                ["SFJ"],
                ["SCJ", "YJJ", "STJ"],
                "next_mid",
                "month",
                "missing",
                "检查频次降幅",
                30,
                "%",
            ),
            (
                "涉企案件平均审理周期缩短10%",
                ["FY"],
                ["SFJ"],
                "year_end",
                "quarter",
                "good",
                "审理周期降幅",
                10,
                "%",
            ),
            ("建立涉企行政执法监督平台", ["SFJ"], ["SJZ"], "soon", "month", "late", "", None, ""),
        ],
    ),
    (
        "rule_of_law",
        "加强产权和知识产权保护",
        [
            ("建设知识产权快速维权中心", ["SCJ"], ["FY", "GAJ"], "next_mid", "quarter", "good", "", None, ""),
            (
                "开展政府失信违约专项治理，清理拖欠企业账款",
                ["FGW"],
                ["CZJ", "GXJ", "SJJ"],
                "year_end",
                "month",
                "silent",
                "清偿率",
                100,
                "%",
            ),
        ],
    ),
    (
        "city",
        "提升城市宜居宜业水平",
        [
            (
                "实施人才安居工程，年内筹集人才公寓2000套",
                ["ZJJ"],
                ["RSJ", "ZGJ"],
                "year_end",
                "quarter",
                "good",
                "筹集套数",
                2000,
                "套",
            ),
            (
                "优化城市交通组织，新增公共停车泊位5000个",
                ["CGJ"],
                ["JTJ", "GAJ", "ZGJ"],
                "year_end",
                "quarter",
                "missing",
                "新增泊位",
                5000,
                "个",
            ),
            ("推进“15分钟便民生活圈”建设", ["SWU"], ["ZJJ", "MZJ"], "ongoing", "half", "good", "", None, ""),
            (
                "建设国际化社区和外籍人员服务中心",
                ["WLJ"],
                ["GAJ", "JYJ", "WJW"],
                "next_mid",
                "quarter",
                "new",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "city",
        "强化人才和公共服务保障",
        [
            (
                "落实高层次人才子女入学、就医“绿色通道”",
                ["RSJ"],
                ["JYJ", "WJW"],
                "ongoing",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
            (
                "开展“稳岗扩岗”专项行动，发放稳岗返还资金",
                ["RSJ"],
                ["CZJ", "SWUJ"],
                "year_end",
                "month",
                "closed",
                "惠及企业",
                3000,
                "家",
            ),
        ],
    ),
    (
        "conduct",
        "打造“亲清”政商关系",
        [
            (
                "建立领导干部挂钩联系重点企业制度",
                ["FGW"],
                ["GXJ", "SWU"],
                "ongoing",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
            (
                "开展损害营商环境问题专项整治，公开曝光典型案例",
                ["JW"],
                ["YSB"],
                "ongoing",
                "quarter",
                "good",
                "",
                None,
                "",
            ),
            (
                "推行涉企服务“首问负责、一次告知、限时办结”",
                ["ZWB"],
                ["XZSP"],
                "soon",
                "month",
                "missing",
                "",
                None,
                "",
            ),
            (
                "建立企业诉求“接诉即办”闭环机制，诉求办结率95%以上",
                ["YSB"],
                ["ZWB", "SJZ"],
                "year_end",
                "month",
                "good",
                "办结率",
                95,
                "%",
            ),
        ],
    ),
    (
        "conduct",
        "强化营商环境考核评价",
        [
            ("开展营商环境“体验官”明察暗访", ["YSB"], ["JW"], "ongoing", "quarter", "late", "", None, ""),
            ("将营商环境工作纳入部门年度绩效考核", ["YSB"], ["SZF"], "year_end", "half", "new", "", None, ""),
        ],
    ),
]

REPORT_TEXTS = [
    "已制定工作方案并召开专题推进会，明确责任分工和时间节点。",
    "按计划推进，完成阶段性目标，相关配套制度已印发。",
    "系统已完成联调测试并在部分区县试运行，企业反响良好。",
    "组织开展专项督导，对发现的问题建立清单逐项整改。",
]


def _deadline(key: str, today: date) -> date | None:
    if key == "ongoing":
        return None
    if key == "year_end":
        return date(today.year, 12, 31)
    if key == "next_mid":
        return date(today.year + 1, 6, 30)
    if key == "soon":
        return today + timedelta(days=10)
    return today.replace(day=1) - timedelta(days=20)  # overdue


def _at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(10, 30)))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo evidence\n", content_type="application/pdf")


def _liaison(ctx: dict[str, Any], code: str):
    users = ctx["users"]
    for user in users.values():
        if user.department_id == ctx["departments"][code].pk and user.has_role(r.LIAISON):
            return user
    username = f"liaison_{code.lower()}"
    user = org_services.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        real_name=f"{ctx['departments'][code].display_name}联络员",
        roles={r.LIAISON},
        department=ctx["departments"][code],
        must_change_password=False,
    )
    users[username] = user
    return user


def seed(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    office = ctx["users"]["office"]
    departments = ctx["departments"]
    categories = {c.code: c for c in Category.objects.all()}
    document = services.policy_document_create(
        actor=office,
        title="示例市优化营商环境若干措施",
        doc_number=f"示政发〔{today.year}〕8号",
        issuer="示例市人民政府",
        issued_on=w.previous_period(w.period_start(today, "half"), "half") + timedelta(days=20),
    )
    start = w.previous_period(w.previous_period(w.period_start(today, "quarter"), "quarter"), "quarter")
    # The timeline reads as the history it stands for: tasks entered days after the document was issued,
    # each report, contribution, close-out and extension on its own day (not the day the demo was loaded).
    created = _at(min(document.issued_on + timedelta(days=5), today) if document.issued_on else today)
    tasks = []
    serial = 0
    for m_index, (category_code, measure_title, rows) in enumerate(PLAN, start=1):
        measure = services.measure_create(
            actor=office,
            document=document,
            title=measure_title,
            serial=str(m_index),
            category=categories[category_code],
            sort_order=m_index,
        )
        for t_index, (title, leads, cos, deadline_key, cycle, profile, metric, target, unit) in enumerate(
            rows, 1
        ):
            serial += 1
            deadline = _deadline(deadline_key, today)
            with timeline_at(created):
                task = services.task_create(
                    actor=office,
                    measure=measure,
                    title=title,
                    lead_departments=[departments[c] for c in leads],
                    co_departments=[departments[c] for c in cos],
                    deadline=deadline,
                    ongoing=deadline is None,
                    deadline_text="长期坚持"
                    if deadline is None
                    else f"{deadline.year}年{deadline.month}月{deadline.day}日前",
                    cycle=cycle,
                    serial=f"{m_index}.{t_index}",
                    metric=metric,
                    target_value=target,
                    unit=unit,
                    is_priority=profile in {"missing", "pending"} or t_index == 1,
                    start_date=w.period_start(today, cycle) if profile == "new" else start,
                    source_key=f"demo:{serial}",
                    sort_order=serial,
                )
            tasks.append((task, leads, cos, profile))
    for task, leads, cos, profile in tasks:
        _history(ctx, task, leads, cos, profile, today)
    # A pending extension request and one return for more evidence, so the office has work to review.
    for task, _leads, _cos, profile in tasks:
        if profile == "late" and not task.ongoing and task.deadline and task.deadline >= today:
            with timeline_at(_at(today - timedelta(days=2))):
                services.extension_request(
                    actor=_liaison(ctx, _leads[0]),
                    task=task,
                    requested_deadline=task.deadline + timedelta(days=90),
                    reason="配套系统需待省级平台升级后对接，申请延期三个月。",
                )
            break
    ctx["ledger_document"] = document
    ctx["ledger_tasks"] = [t for t, *_ in tasks]
    ctx["ledger_history_tasks"] = _seed_history(ctx, today)


def _history(ctx: dict[str, Any], task, leads: list[str], cos: list[str], profile: str, today: date) -> None:
    if profile == "new":
        return
    lead_user = _liaison(ctx, leads[0])
    periods = []
    p = w.period_start(task.start_date, task.cycle)
    while w.period_end(p, task.cycle) < today:
        periods.append(p)
        p = w.next_period(p, task.cycle)
    if profile == "missing":
        periods = periods[:1]
    elif profile == "due":
        periods = periods[:-1]  # the last ended cycle is not reported yet: past its due date, yellow
    elif profile == "silent":
        periods = []
    percent = 0
    last = today - timedelta(days=10)
    for i, period in enumerate(periods):
        due = w.report_due(period, task.cycle)
        late = profile == "late" and i == len(periods) - 1
        when = due + timedelta(days=4) if late else w.period_end(period, task.cycle) + timedelta(days=2)
        if when > today:
            continue
        if cos and i == 0:
            with timeline_at(_at(when - timedelta(days=1))):
                services.contribution_submit(
                    actor=_liaison(ctx, cos[0]), task=task, text="本单位已按分工完成相关数据共享和业务协同。"
                )
        percent = min(95, percent + 100 // (len(periods) + 1) + 5)
        last = when
        with timeline_at(_at(when)):
            services.progress_report_submit(
                actor=lead_user,
                task=task,
                text=REPORT_TEXTS[i % len(REPORT_TEXTS)],
                percent=percent,
                metric_value=(task.target_value * percent / 100) if task.target_value is not None else None,
                problems="个别区县数据对接进度偏慢。" if i % 2 else "",
                next_steps="加快推进系统对接，做好政策宣传解读。",
                coordination="需市大数据局协调省级数据接口。" if profile == "missing" else "",
                period_start=period,
                evidence=[_pdf(f"{task.serial}-{period:%Y%m}-进展材料.pdf")] if i == len(periods) - 1 else [],
                submitted_at=_at(when),
            )
    if profile in {"closed", "pending"}:
        asked = min(today - timedelta(days=2), last + timedelta(days=3))
        with timeline_at(_at(asked)):
            services.close_out_request(
                actor=lead_user,
                task=task,
                summary="各项任务目标已全部完成，相关制度文件已印发实施。",
                evidence=[_pdf(f"{task.serial}-销号证明材料.pdf")],
            )
        if profile == "closed":
            with timeline_at(_at(asked + timedelta(days=1))):
                services.close_out_review(
                    actor=ctx["users"]["office"], task=task, approve=True, reason="材料齐全，同意销号。"
                )


# --- 2026 重点任务清单: tasks due in the two quarters before the current one --------------------------------
# So the frozen quarterly assessments rank on ledger facts: tasks due across city departments and districts,
# most closed on time, some closed late, some still open past their deadline with reports stopped.
# (category code, measure, [(task, lead, co, quarter 0|1 (two back|one back), month in quarter, day, cycle,
# profile)]); profiles: ontime, ontime_late_report, late (closed after the deadline), open (overdue, reports
# stopped).
HISTORY_PLAN: list[tuple[str, str, list[tuple]]] = [
    (
        "government",
        "持续提升政务服务便利度",
        [
            (
                "推行高频事项“免证办”，电子证照免提交事项达到200项",
                "SJZ",
                ["XZSP"],
                0,
                2,
                30,
                "month",
                "ontime_late_report",
            ),
            ("在30个行业推行“一业一证”改革", "XZSP", ["SCJ", "WJW"], 0, 1, 31, "month", "ontime"),
            ("不动产登记“带押过户”业务实现银行网点全覆盖", "ZGJ", ["JRB", "SWUJ"], 0, 2, 15, "month", "late"),
            ("社保、医保高频业务“跨省通办”事项全部上线", "RSJ", ["YBJ"], 1, 0, 31, "month", "ontime"),
            (
                "医保定点医药机构申请受理审核时限压缩至30个工作日",
                "YBJ",
                ["WJW"],
                1,
                1,
                31,
                "month",
                "ontime_late_report",
            ),
            ("东城区建成街道“企业服务驿站”10个", "DQ", ["SWU"], 1, 2, 30, "month", "ontime"),
        ],
    ),
    (
        "government",
        "深化工程建设项目审批制度改革",
        [
            ("推行工程建设项目“多测合一”，测绘成果共享互认", "ZGJ", ["ZJJ"], 1, 2, 30, "quarter", "open"),
            ("施工图审查全面推行数字化联合审查", "ZJJ", ["XZSP"], 0, 2, 30, "month", "ontime"),
            (
                "开展园区规划环评与项目环评联动，简化入园项目环评",
                "STJ",
                ["XZSP", "GX"],
                1,
                1,
                31,
                "month",
                "late",
            ),
            ("生产建设项目水土保持方案推行告知承诺制审批", "SWJ", ["XZSP"], 0, 1, 31, "month", "ontime"),
            ("西城区老旧小区改造项目审批实行并联办理", "XQ", ["ZJJ"], 1, 1, 15, "month", "open"),
        ],
    ),
    (
        "market",
        "激发经营主体发展活力",
        [
            (
                "开展个体工商户分型分类精准帮扶，建立“名特优新”名录",
                "SCJ",
                ["SWUJ", "JRB"],
                1,
                0,
                31,
                "month",
                "ontime",
            ),
            (
                "开展科技型中小企业研发费用加计扣除政策“一对一”辅导",
                "KJJ",
                ["SWUJ"],
                0,
                2,
                30,
                "quarter",
                "ontime",
            ),
            (
                "举办“政银企”融资对接会不少于12场",
                "JRB",
                ["GXJ", "CZJ"],
                1,
                2,
                30,
                "month",
                "ontime_late_report",
            ),
            (
                "清理规范涉企保证金，全面推行保函替代现金缴纳",
                "CZJ",
                ["ZJJ", "GTZ"],
                0,
                2,
                30,
                "month",
                "late",
            ),
            ("建立“专精特新”中小企业梯度培育库", "GXJ", ["KJJ"], 1, 0, 31, "month", "ontime"),
            ("南湖区盘活存量低效工业用地200亩", "NQ", ["ZGJ"], 1, 2, 30, "month", "open"),
        ],
    ),
    (
        "market",
        "优化外贸外资和消费环境",
        [
            (
                "建立重点外资项目“一项目一专班”跟踪服务机制",
                "SWU",
                ["FGW"],
                0,
                2,
                30,
                "month",
                "ontime_late_report",
            ),
            (
                "开展“夜经济”特色街区提质行动，发放文旅消费券",
                "WLJ",
                ["SWU", "CZJ"],
                1,
                0,
                31,
                "month",
                "late",
            ),
            (
                "开展“放心消费”示范单位创建，新培育示范单位300家",
                "SCJ",
                ["SWU"],
                0,
                1,
                31,
                "quarter",
                "ontime",
            ),
            ("高新区建成科技企业孵化“一站式”服务平台", "GX", ["KJJ", "SJZ"], 1, 1, 31, "month", "ontime"),
        ],
    ),
    (
        "rule_of_law",
        "规范涉企行政执法和监管",
        [
            (
                "推行涉企行政检查“扫码入企”，检查事项全程留痕",
                "SFJ",
                ["GAJ", "SCJ"],
                1,
                0,
                31,
                "month",
                "ontime",
            ),
            (
                "制定安全生产领域轻微违法行为“首违不罚”清单",
                "YJJ",
                ["SFJ"],
                0,
                1,
                31,
                "month",
                "ontime_late_report",
            ),
            ("修订交通运输领域行政处罚裁量基准", "JTJ", ["SFJ"], 1, 1, 31, "month", "open"),
            (
                "推行户政、出入境涉企业务“就近办、一次办”",
                "GAJ",
                ["XZSP"],
                0,
                2,
                30,
                "month",
                "ontime_late_report",
            ),
            ("生态环境监督执法正面清单企业扩容至500家", "STJ", ["SFJ"], 0, 2, 30, "quarter", "ontime"),
        ],
    ),
    (
        "city",
        "强化公共服务和要素保障",
        [
            (
                "推行“入学一件事”网上办，精简随迁子女入学证明材料",
                "JYJ",
                ["GAJ", "ZJJ"],
                1,
                1,
                31,
                "month",
                "ontime_late_report",
            ),
            ("开展重点企业用工保障“春风行动”专场招聘", "RSJ", ["GXJ"], 0, 1, 31, "month", "ontime"),
            ("推行企业用水报装“零跑腿、零审批、零投资”", "SWJ", ["XZSP"], 1, 2, 30, "month", "late"),
            ("北山县建成农业经营主体“一站式”金融服务站", "BX", ["NYJ", "JRB"], 1, 2, 30, "month", "late"),
            ("推进统计联网直报“一套表”减负，精简企业报表", "TJJ", ["SJZ"], 1, 0, 31, "quarter", "open"),
            (
                "推广城管执法“721”工作法，首违轻微问题教育提醒为主",
                "CGJ",
                ["SFJ"],
                0,
                2,
                30,
                "month",
                "ontime",
            ),
        ],
    ),
]

HISTORY_TEXTS = [
    "已印发实施方案，成立工作专班，明确牵头处室和责任人。",
    "完成业务流程梳理和系统改造需求，开展窗口人员业务培训。",
    "在部分区县和园区先行试点，收集企业意见并优化办理流程。",
    "面上推开，组织开展政策宣传和上门辅导，办件量稳步上升。",
    "对照目标开展自查评估，形成阶段性工作总结。",
]


def _quarter_start(today: date, back: int) -> date:
    q = w.period_start(today, "quarter")
    for _ in range(back):
        q = w.previous_period(q, "quarter")
    return q


def _seed_history(ctx: dict[str, Any], today: date) -> list:
    """A second document whose tasks fell due in the two quarters before the current one, with their
    reports, close-outs and lapses dated on the days they happened. The services stamp approvals with
    today's date, so closed tasks then get the day they were really closed (`closed_on`) written back."""
    from .models import CloseOutRequest, Task

    office = ctx["users"]["office"]
    departments = ctx["departments"]
    categories = {c.code: c for c in Category.objects.all()}
    quarters = [_quarter_start(today, 2), _quarter_start(today, 1)]
    issued = quarters[0] - timedelta(days=55)
    document = services.policy_document_create(
        actor=office,
        title=f"示例市{issued.year}年优化营商环境重点任务清单",
        doc_number=f"示营商办〔{issued.year}〕3号",
        issuer="示例市优化营商环境工作领导小组办公室",
        issued_on=issued,
    )
    created = issued + timedelta(days=6)
    out = []
    serial = 0
    for m_index, (category_code, measure_title, rows) in enumerate(HISTORY_PLAN, start=1):
        measure = services.measure_create(
            actor=office,
            document=document,
            title=measure_title,
            serial=str(m_index),
            category=categories[category_code],
            sort_order=m_index,
        )
        for t_index, (title, lead, cos, quarter, month, day, cycle, profile) in enumerate(rows, 1):
            serial += 1
            q = quarters[quarter]
            first_of_month = date(q.year, q.month + month, 1)
            deadline = first_of_month.replace(day=min(day, w.period_end(first_of_month, "month").day))
            with timeline_at(_at(created)):
                task = services.task_create(
                    actor=office,
                    measure=measure,
                    title=title,
                    lead_departments=[departments[lead]],
                    co_departments=[departments[c] for c in cos],
                    deadline=deadline,
                    deadline_text=f"{deadline.year}年{deadline.month}月{deadline.day}日前",
                    cycle=cycle,
                    serial=f"{m_index}.{t_index}",
                    is_priority=t_index == 1,
                    start_date=created,
                    source_key=f"demo-history:{serial}",
                    sort_order=serial,
                )
            Task.objects.filter(pk=task.pk).update(created_at=_at(created))
            _task_history(ctx, task, lead, cos, profile, serial, today)
            if task.closed_on is not None:
                CloseOutRequest.objects.filter(task=task).update(
                    requested_at=_at(task.closed_on - timedelta(days=2)), reviewed_at=_at(task.closed_on)
                )
            out.append(task)
    return out


def _task_history(
    ctx: dict[str, Any], task, lead: str, cos: list[str], profile: str, n: int, today: date
) -> None:
    from .models import Task

    deadline = task.deadline
    lead_user = _liaison(ctx, lead)
    if profile == "late":
        closed = deadline + timedelta(days=12 + (n % 3) * 7)
    elif profile == "open":
        closed = None
    else:
        closed = deadline - timedelta(days=2 + n % 4)
    if closed is not None:
        closed = min(closed, today - timedelta(days=1))  # loaded early in a quarter: nothing in the future
    stop = closed - timedelta(days=2) if closed else today
    periods = []
    p = w.period_start(task.start_date, task.cycle)
    while w.period_end(p, task.cycle) + timedelta(days=2) < stop and p <= deadline:
        periods.append(p)
        p = w.next_period(p, task.cycle)
    if profile == "open":
        periods = periods[: max(1, len(periods) - 3)] if task.cycle == "month" else periods[:2]
    late_index = {
        "ontime": None,
        "ontime_late_report": len(periods) - 2,
        "late": len(periods) - 1,
        "open": len(periods) - 1,
    }[profile]
    if cos:
        first_day = w.period_end(periods[0], task.cycle) if periods else task.start_date
        with timeline_at(_at(first_day)):
            services.contribution_submit(
                actor=_liaison(ctx, cos[0]), task=task, text="本单位已按分工完成相关数据共享和业务协同。"
            )
    percent = 0
    for i, period in enumerate(periods):
        late = i == late_index
        due = w.report_due(period, task.cycle)
        when = (
            due + timedelta(days=4 + n % 3) if late else w.period_end(period, task.cycle) + timedelta(days=2)
        )
        when = min(when, stop - timedelta(days=1))
        percent = min(90, percent + 100 // (len(periods) + 1))
        with timeline_at(_at(when)):
            services.progress_report_submit(
                actor=lead_user,
                task=task,
                text=HISTORY_TEXTS[i % len(HISTORY_TEXTS)],
                percent=percent,
                problems="部分基层窗口人员业务不熟练，系统对接存在延迟。" if late else "",
                next_steps="加强督促指导，确保按期完成目标任务。",
                coordination="需市大数据局协调打通相关业务系统数据接口。" if profile == "open" else "",
                period_start=period,
                evidence=[_pdf(f"{task.serial}-{period:%Y%m}-进展材料.pdf")] if i == len(periods) - 1 else [],
                submitted_at=_at(when),
            )
    if closed is None:
        return
    with timeline_at(_at(closed - timedelta(days=2))):
        services.close_out_request(
            actor=lead_user,
            task=task,
            summary="任务目标已完成，相关制度文件已印发，佐证材料已归档。"
            if profile != "late"
            else "任务目标已完成（较计划时限有所滞后），相关佐证材料已归档。",
            evidence=[_pdf(f"{task.serial}-销号证明材料.pdf")],
        )
    with timeline_at(_at(closed)):
        services.close_out_review(
            actor=ctx["users"]["office"], task=task, approve=True, reason="材料齐全，同意销号。"
        )
    Task.objects.filter(pk=task.pk).update(closed_on=closed)
    task.closed_on = closed
