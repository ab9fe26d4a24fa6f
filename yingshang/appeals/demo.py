"""Demo appeals for 示例市: about 150 over the past two quarters, in every state, with returns,
extensions, reopenings, duplicates and follow-ups. Texts are written for the demo. Built through the
services with the clock set back to when each step happened."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from yingshang.core.credit_code import check_character
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.org.demo import DEMO_PASSWORD
from yingshang.workdays.calendar import is_workday

from . import services
from .models import Appeal, SourceSystem

# (category, department code, title, description, reply)
TEMPLATES: list[tuple[str, str, str, str, str]] = [
    (
        "help",
        "XZSP",
        "施工许可办理多次要求补充相同材料",
        "我公司在{park}新建厂房项目，施工许可申请已提交三次，每次都被要求补充同样的消防设计审查意见书，"
        "窗口人员说法前后不一，项目已延误近一个月，恳请协调一次性告知所需材料。",
        "经核查，系窗口人员对联合审查结果不熟悉所致。已安排专人对接，一次性告知材料清单，施工许可已于次日办结。",
    ),
    (
        "consult",
        "XZSP",
        "咨询食品经营许可证延续办理流程",
        "本企业食品经营许可证将于下月到期，想了解延续需要哪些材料，能否全程网办，办理时限多长。",
        "食品经营许可延续可通过政务服务网全程网办，需提交延续申请书和承诺书，材料齐全的当场办结。已电话告知企业。",
    ),
    (
        "complaint",
        "SCJ",
        "企业名称变更登记被退回三次",
        "我公司申请名称变更，网上提交后被退回三次，每次退回理由不同，第一次说章程格式不对，第二次说股东会决议签字不全，"
        "第三次又说经营范围表述不规范，希望能一次性说清楚问题。",
        "已约谈登记窗口负责人，核实确有退回理由未一次性告知的问题。已指导企业修改并办结变更登记，并对相关人员进行了批评教育。",
    ),
    (
        "help",
        "SCJ",
        "个体户转企业后原有资质如何承接",
        "我们原来是个体工商户，现在转型升级为有限公司，原来的食品小作坊登记证等资质是否需要重新办理，能否直接变更。",
        "个转企可办理变更登记，原有许可可按规定直接变更承接，无需重新申请。已安排登记处专人辅导。",
    ),
    (
        "complaint",
        "ZJJ",
        "工程款拖欠导致农民工工资无法按时发放",
        "我公司承接{district}某安置房项目的劳务分包，总包单位以建设单位未拨款为由拖欠工程款三百余万元，"
        "目前六十多名工人工资无法按时发放，请求主管部门协调。",
        "已约谈总包单位和建设单位，督促按合同支付。建设单位已拨付首期款项一百八十万元，剩余款项约定在月底前结清。",
    ),
    (
        "help",
        "ZJJ",
        "既有厂房改造消防验收标准咨询",
        "我公司计划将{park}一栋旧仓库改造为研发用房，不涉及结构改动，想确认是否需要重新办理消防设计审查和验收。",
        "经审查，改变使用功能的改造工程需办理消防设计审查。已安排技术人员上门指导，并开通了审批绿色通道。",
    ),
    (
        "suggestion",
        "ZJJ",
        "建议推行工程建设项目联合验收",
        "目前竣工验收需要分别跑规划、消防、人防等多个部门，时间长、重复提交材料多，建议全面推行联合验收，一次申报、限时办结。",
        "感谢建议。我局已会同相关部门制定联合验收实施办法，预计下季度在全市推行。",
    ),
    (
        "complaint",
        "RSJ",
        "社保参保登记系统频繁故障",
        "近一周为新入职员工办理社保参保登记，网上系统多次提示网络异常无法提交，到窗口又被告知需要网上办理，两头跑无法办成。",
        "系统升级期间出现故障，现已修复。对受影响企业已安排窗口兜底办理，该企业员工参保登记已全部完成。",
    ),
    (
        "help",
        "RSJ",
        "申请稳岗返还资金未到账",
        "我公司去年符合稳岗返还条件，公示名单中也有我们，但资金至今未到账，不知道是哪个环节出了问题。",
        "经核实，因企业银行账户信息变更未同步导致退汇。已更新账户信息并重新拨付，资金已到账。",
    ),
    (
        "consult",
        "RSJ",
        "咨询高校毕业生就业补贴申领条件",
        "我公司今年招聘了十二名应届高校毕业生，想了解能享受哪些就业补贴，怎么申请。",
        "企业吸纳毕业生可申领一次性吸纳就业补贴和社保补贴，已将申领条件和办理渠道电话告知企业联系人。",
    ),
    (
        "complaint",
        "SWUJ",
        "增值税留抵退税审核时间过长",
        "我公司于两个月前提交了增值税期末留抵退税申请，至今仍显示审核中，公司资金周转困难，请求加快审核。",
        "经查，该申请因需核实进项发票而延长了审核时间。现已审核完毕，退税款已于近日退还。",
    ),
    (
        "consult",
        "SWUJ",
        "研发费用加计扣除政策咨询",
        "我公司是软件企业，想确认委托外部机构开发的费用能否享受研发费用加计扣除，比例是多少。",
        "委托境内外部机构研发的费用按实际发生额的百分之八十计入加计扣除基数。已安排专管员上门辅导。",
    ),
    (
        "help",
        "GDJ",
        "新厂区用电报装迟迟未接电",
        "我公司{park}新厂区用电报装已三个多月，线路施工一直没有完成，设备安装好了无法投产，每天损失很大。",
        "经协调，线路施工受道路开挖审批影响，已联合相关部门加快审批，现已完成接电，企业已正常投产。",
    ),
    (
        "complaint",
        "GDJ",
        "频繁停电影响生产",
        "本月厂区已停电四次，每次都没有提前通知，造成生产线上的产品全部报废，请求查明原因并提前告知计划停电。",
        "经排查系线路老化引起故障停电，已完成线路改造。今后计划停电将提前三天通知企业。",
    ),
    (
        "help",
        "SWJ",
        "工业用水报装费用收取是否合理",
        "我公司申请工业用水报装，供水企业要求缴纳十多万元的管网建设费，想问这项费用是否合理，有无收费依据。",
        "经核查，该项费用属于建筑区划红线外管网建设费用，不应由企业承担，已责令供水企业退还。",
    ),
    (
        "complaint",
        "STJ",
        "环评审批时间超过承诺时限",
        "我公司扩建项目环境影响报告表已受理二十多个工作日，超过承诺的时限仍未批复，影响项目开工。",
        "经核实，因专家评审意见反馈延迟导致超时。已于本周完成批复，并对相关审批环节进行了整改。",
    ),
    (
        "consult",
        "STJ",
        "排污许可登记管理范围咨询",
        "我公司是小型机械加工企业，只有少量喷漆工序，想了解是需要申领排污许可证还是办理排污登记。",
        "根据排污许可分类管理名录，该企业实行登记管理，已指导企业在全国排污许可证管理信息平台完成登记。",
    ),
    (
        "report",
        "CGJ",
        "园区周边渣土车夜间违规运输",
        "{park}周边近期每晚都有大量渣土车未覆盖篷布运输，道路扬尘严重，还影响企业员工下班出行安全。",
        "已组织夜间联合执法，查处违规渣土车十二辆，并对相关运输企业约谈处罚，将持续开展巡查。",
    ),
    (
        "help",
        "CGJ",
        "门头招牌设置审批流程不清",
        "我公司新开门店，想设置门头招牌，不清楚需要到哪个部门审批、提交什么材料。",
        "门头招牌设置已实行告知承诺制，企业在线提交承诺书即可设置。已告知企业办理方式。",
    ),
    (
        "help",
        "GXJ",
        "申请技术改造专项资金进展",
        "我公司去年申报了技术改造专项资金，已通过专家评审，但资金一直未拨付，想了解进展。",
        "该批资金已完成公示，正在履行拨付程序，预计本月底前拨付到位。已电话告知企业。",
    ),
    (
        "consult",
        "KJJ",
        "高新技术企业认定申报时间咨询",
        "我公司今年想申报高新技术企业认定，请问今年的申报时间安排，以及知识产权数量有什么要求。",
        "今年分两批申报，第二批截止时间为九月底。已向企业提供申报指南并安排专家辅导。",
    ),
    (
        "help",
        "ZGJ",
        "工业用地不动产登记办理缓慢",
        "我公司工业用地土地出让金已全部缴清，但不动产权证书办理已超过一个月仍未拿到，影响银行贷款。",
        "经核查，因宗地测绘成果需要补正导致延误。已安排加急办理，不动产权证书已发放。",
    ),
    (
        "suggestion",
        "ZGJ",
        "建议推行工业用地标准地出让",
        "企业拿地后还要分别办理各种评估，时间长费用高，建议推行标准地出让，把区域评估结果直接提供给企业。",
        "感谢建议。我局已在高新区开展标准地出让试点，下一步将在全市工业园区推广。",
    ),
    (
        "complaint",
        "JTJ",
        "货运车辆道路运输证年审排队时间长",
        "公司有三十多辆货车需要办理道路运输证年审，窗口每天限号，已经排了两周还没办完。",
        "已开通网上年审渠道并增设企业专窗，该企业车辆年审已全部办结。",
    ),
    (
        "help",
        "YBJ",
        "医保定点协议申请审核进度",
        "我公司新开办的门诊部申请医保定点已提交材料两个月，一直没有消息，想了解审核进度。",
        "该申请已完成现场核查，正在公示，公示结束后即签订协议。已告知企业。",
    ),
    (
        "complaint",
        "DQ",
        "街道要求企业重复填报统计报表",
        "街道、园区和行业主管部门都要求我们填报内容基本相同的统计报表，每月要填好几份，增加了企业负担。",
        "已与统计、园区等单位协调，统一报表口径，实行一次填报、数据共享，今后不再重复要求企业填报。",
    ),
    (
        "help",
        "GX",
        "园区企业员工子女入学问题",
        "我公司从外地引进的技术骨干子女今年要上小学，户籍不在本地，不知道能否在园区附近学校就读。",
        "按照人才子女入学政策，该员工子女可在园区片区学校就读，已协调教育部门办理入学手续。",
    ),
    (
        "report",
        "SCJ",
        "反映某公司冒用我企业名义招揽业务",
        "近期发现有人冒用我公司名称和资质在外招揽装修业务，多位客户上当受骗后找到我公司，请求查处。",
        "已立案调查，查明冒用行为人并依法处罚，同时在门户网站发布提示公告。",
    ),
    (
        "suggestion",
        "XZSP",
        "建议延长政务服务中心周末服务时间",
        "企业工作日业务繁忙，希望政务服务中心周末能提供更多事项的办理服务，特别是企业登记和税务事项。",
        "感谢建议。政务服务中心已于周六上午开设企业服务专窗，提供登记、税务等高频事项办理。",
    ),
    (
        "complaint",
        "SWUJ",
        "发票领用数量不能满足经营需要",
        "我公司业务量增长很快，目前核定的发票领用数量每月都不够用，申请调增多次未获批准。",
        "经评估企业经营情况，已为其调增发票领用数量，并推行全面数字化电子发票。",
    ),
]
ENTERPRISES = [
    "示例精密机械有限公司",
    "示例新能源科技有限公司",
    "示例食品有限公司",
    "示例建设工程有限公司",
    "示例物流有限公司",
    "示例软件技术有限公司",
    "示例医疗器械有限公司",
    "示例纺织有限公司",
    "示例环保科技有限公司",
    "示例商贸有限公司",
    "示例生物医药有限公司",
    "示例汽车零部件有限公司",
    "示例光电科技有限公司",
    "示例装饰工程有限公司",
    "示例餐饮管理有限公司",
    "示例门诊部有限公司",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
PARKS = ["高新区创新路", "经开区兴业大道", "南湖工业园", "北山县产业园", "东城区科技园"]
DISTRICTS = ["东城区", "西城区", "南湖区", "北山县"]


def credit_code_for(n: int) -> str:
    first17 = f"91370100MA{n:07d}"
    return first17 + check_character(first17)


@contextlib.contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Run the services as if at `moment` (freezegun is a development dependency; without it the demo
    is seeded at the current time)."""
    try:
        from freezegun import freeze_time
    except ImportError:  # pragma: no cover
        yield
        return
    with freeze_time(moment):
        yield


def _office_time(rng: random.Random, day: datetime, hour_from: int = 9, hour_to: int = 16) -> datetime:
    while not is_workday(day.date()):
        day += timedelta(days=1)
    return day.replace(hour=rng.randint(hour_from, hour_to), minute=rng.choice([5, 12, 20, 33, 41, 50]))


def _next_office_moment(rng: random.Random, moment: datetime) -> datetime:
    """`moment` itself when it falls in office hours on a working day, else a time on the next one."""
    if is_workday(moment.date()) and 9 <= moment.hour < 17:
        return moment
    day = (moment + timedelta(days=1)) if moment.hour >= 17 else moment
    day = day.replace(hour=0, minute=0)
    return _office_time(rng, day)


def _liaison(ctx: dict[str, Any], code: str):
    """The department's liaison from ctx, or a new one named like the other apps' demo accounts."""
    users = ctx["users"]
    department = ctx["departments"][code]
    for user in users.values():
        if user.department_id == department.pk and user.has_role(r.LIAISON):
            return user
    username = f"liaison_{code.lower()}"
    user = org_services.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        real_name=f"{department.display_name}联络员",
        roles={r.LIAISON},
        department=department,
        must_change_password=False,
    )
    users[username] = user
    return user


def seed(ctx: dict[str, Any]) -> None:
    rng = random.Random(2026)
    departments = ctx["departments"]
    users = ctx["users"]
    office = users["office"]
    handlers = {code: _liaison(ctx, code) for code in {t[1] for t in TEMPLATES} | {"SCJ", "ZJJ"}}
    hotline_account = org_services.user_create(
        actor=None,
        username="hotline12345",
        password=DEMO_PASSWORD + "-hotline",
        real_name="12345热线接口",
        roles=set(),
        must_change_password=False,
    )
    hotline = SourceSystem.objects.create(
        code="12345", name="示例市12345政务服务便民热线", account=hotline_account
    )
    enterprises = [ctx["enterprise"]]
    for n, name in enumerate(ENTERPRISES[:6], start=1):
        enterprises.append(
            org_services.enterprise_create(actor=None, credit_code=credit_code_for(n), name=name)
        )
    enterprise_user = users["enterprise"]

    now = timezone.localtime()
    start = now - timedelta(days=178)
    total = 150
    created: list[Appeal] = []
    for i in range(total):
        category, dept_code, title, description, reply = TEMPLATES[i % len(TEMPLATES)]
        received = _office_time(rng, start + timedelta(days=i * 176 / total), 8, 18)
        if received > now - timedelta(hours=2):
            received = now - timedelta(hours=rng.randint(2, 20))
        park, district = rng.choice(PARKS), rng.choice(DISTRICTS)
        text = description.format(park=park, district=district)
        is_own = i % 9 == 0
        ent_index = rng.randrange(len(ENTERPRISES))
        data = {
            "enterprise_name": ENTERPRISES[ent_index],
            "credit_code": credit_code_for(ent_index + 1),
            "contact_name": rng.choice(SURNAMES) + rng.choice(["经理", "女士", "先生", "主任"]),
            "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "category": category,
            "urgent": rng.random() < 0.05,
            "title": title,
            "description": text,
        }
        repeat = i > 20 and rng.random() < 0.05 and created
        if repeat:
            # The same enterprise writes again about the same matter a few days later.
            first = created[-rng.randint(1, min(5, len(created)))]
            data.update(
                enterprise_name=first.enterprise_name,
                credit_code=first.credit_code,
                contact_phone=first.contact_phone,
                category=first.category,
                title=first.title,
                description=first.description + "此前已反映过，至今没有结果，再次反映。",
            )
        with clock(received):
            if is_own and not repeat:
                appeal = services.appeal_submit(actor=enterprise_user, data=data)
            elif i % 4 == 1 and not repeat:
                appeal, _ = services.appeal_intake(
                    actor=hotline_account,
                    payload={**data, "external_id": f"RX{received:%Y%m%d}{i:04d}"},
                    idempotency_key=f"demo-{i}",
                    source_system=hotline,
                )
            else:
                appeal = services.appeal_submit(actor=None, data=data)
        created.append(appeal)
        _walk(
            rng,
            appeal,
            i,
            total,
            received,
            now,
            office,
            departments,
            handlers,
            dept_code,
            reply,
            enterprise_user if appeal.enterprise_id == ctx["enterprise"].pk else office,
        )
    ctx["appeals"] = created


def _walk(rng, appeal, i, total, received, now, office, departments, handlers, dept_code, reply, follower):
    """Take one appeal as far as its age and a few dice allow."""
    steps = [received]
    # The most recent appeals stop part-way, so every queue has something in it.
    stop = (
        rng.choice(["submitted", "dispatched", "signed", "returned", "replied", "pending_extension"])
        if i >= total - 30
        else ""
    )

    def at(hours: float) -> datetime | None:
        moment = _next_office_moment(rng, steps[-1] + timedelta(hours=hours))
        if moment >= now:
            return None
        steps.append(moment)
        return moment

    if appeal.duplicate_of_id and rng.random() < 0.6:
        moment = at(3)
        if moment:
            with clock(moment):
                services.appeal_close_invalid(
                    actor=office, appeal=appeal, reason="duplicate", note="与此前诉求重复，合并办理。"
                )
        return
    if rng.random() < 0.03:
        moment = at(2)
        if moment:
            with clock(moment):
                services.appeal_close_invalid(
                    actor=office,
                    appeal=appeal,
                    reason="out_of_scope",
                    note="属于民事纠纷，已告知通过司法途径解决。",
                )
        return
    if stop == "submitted":
        return
    main = departments[dept_code]
    handler = handlers[dept_code]
    wrong = rng.random() < 0.08 or stop == "returned"
    first_department = departments["ZJJ" if dept_code != "ZJJ" else "SCJ"] if wrong else main
    moment = at(rng.choice([1, 2, 3, 20]))
    if moment is None:
        return
    co = [departments["DQ"].pk] if rng.random() < 0.1 and dept_code != "DQ" else []
    with clock(moment):
        services.appeal_dispatch(
            actor=office,
            appeal=appeal,
            main_department=first_department,
            co_departments=co,
            instruction="请按时限办理并答复企业。",
        )
    if wrong:
        moment = at(2)
        if moment is None:
            return
        with clock(moment):
            services.appeal_return(
                actor=handlers["ZJJ" if dept_code != "ZJJ" else "SCJ"],
                appeal=appeal,
                reason="function",
                note=f"该事项属于{main.display_name}职责，请改派。",
            )
        if stop == "returned":
            return
        moment = at(1)
        if moment is None:
            return
        with clock(moment):
            services.appeal_dispatch(actor=office, appeal=appeal, main_department=main)
    if stop == "dispatched":
        return
    for round_no in range(3):
        moment = at(rng.choice([0.5, 1, 2, 3, 6, 30]))  # 30 hours: a late sign-off
        if moment is None:
            return
        with clock(moment):
            services.appeal_sign(actor=handler, appeal=appeal)
        if stop == "signed":
            return
        if stop == "pending_extension":
            with clock(moment + timedelta(minutes=30)):
                services.extension_request(
                    actor=handler, appeal=appeal, days=5, reason="需会同区县现场核查。"
                )
            return
        if rng.random() < 0.08:
            moment = at(24)
            if moment is None:
                return
            with clock(moment):
                extension = services.extension_request(
                    actor=handler, appeal=appeal, days=rng.choice([3, 5]), reason="需会同相关单位现场核查。"
                )
            moment = at(4)
            if moment is None:
                return
            with clock(moment):
                services.extension_decide(
                    actor=office,
                    extension=extension,
                    approve=rng.random() < 0.8,
                    note="同意。" if True else "",
                )
        moment = at(rng.choice([24, 48, 72, 96, 200]))
        if moment is None:
            return
        content = reply if round_no == 0 else "经再次核查并现场协调，" + reply
        with clock(moment):
            services.appeal_reply(actor=handler, appeal=appeal, content=content)
        if stop == "replied":
            return
        moment = at(rng.choice([24, 48]))
        if moment is None:
            return
        roll = rng.random()
        satisfaction = "satisfied" if roll < 0.7 else "basic" if roll < 0.88 else "unsatisfied"
        if round_no > 0 and satisfaction == "unsatisfied" and rng.random() < 0.7:
            satisfaction = "basic"
        solved = satisfaction != "unsatisfied" and rng.random() < 0.92
        with clock(moment):
            followup = services.appeal_follow_up(
                actor=follower,
                appeal=appeal,
                satisfaction=satisfaction,
                solved=solved,
                note="电话回访企业负责人。" if follower is office else "",
            )
        if satisfaction == "unsatisfied" and rng.random() < 0.2:
            moment = at(4)
            if moment is None:
                return
            with clock(moment):
                services.followup_mark_unreasonable(
                    actor=office, followup=followup, reason="企业诉求超出政策规定范围，已做好解释工作。"
                )
        appeal.refresh_from_db()
        if appeal.state != Appeal.State.DISPATCHED:
            return
