"""Demo appeals for 示例市: about 150 (76 different matters across 26 departments) over the past two quarters, in every state, with returns,
extensions, reopenings, duplicates and follow-ups, and a wave of six about one park's power cuts in the last
fortnight (a current hotspot). Texts are written for the demo. Built through the
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
from yingshang.routing import services as routing_services
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

# More demo appeals, so that each department's queue reads like real work rather than a few repeated titles.
MORE_TEMPLATES: list[tuple[str, str, str, str, str]] = [
    (
        "help",
        "SCJ",
        "经营范围增加医疗器械销售需办理哪些手续",
        "我公司是{district}一家电子产品贸易企业，计划增加第二类医疗器械销售业务，不清楚除变更经营范围外还需办理哪些备案，在哪里办理。",
        "已告知企业：变更经营范围后，通过医疗器械经营备案系统提交第二类医疗器械经营备案，材料齐全当场备案，并发送了材料清单。",
    ),
    (
        "complaint",
        "SCJ",
        "特种设备定期检验预约排期过长",
        "我公司{park}厂区有两台叉车和一台压力容器临近检验有效期，向检验机构预约后被告知要排到两个月以后，到期后设备无法使用，影响正常生产。",
        "已协调特检院增派检验人员，企业设备已安排在有效期届满前完成检验，并要求检验机构开通临期设备优先预约通道。",
    ),
    (
        "report",
        "SCJ",
        "反映有商户在园区门口无照销售过期食品",
        "{park}园区大门东侧有流动摊点长期销售包装食品，我公司员工购买后发现已过保质期，摊主没有任何证照，请相关部门查处。",
        "执法人员已到现场检查，对无照经营行为依法取缔，查扣过期食品12箱，已向举报企业反馈处理结果。",
    ),
    (
        "consult",
        "SCJ",
        "企业简易注销条件和公示期咨询",
        "我公司成立后一直未开展经营，没有债权债务，想办理注销，请问是否符合简易注销条件，公示期多长，需要先去税务部门清税吗。",
        "已电话答复：未发生债权债务的企业可申请简易注销，公示期20日，可通过企业开办注销一网通办平台同步办理清税。",
    ),
    (
        "help",
        "SCJ",
        "商标被他人恶意抢注请求指导维权",
        "我公司使用多年的产品标识被外地一家公司抢先申请注册商标，对方还发函要求我们停止使用，企业不知如何应对，请求知识产权部门给予指导。",
        "知识产权保护中心已安排专家一对一辅导，指导企业在异议期内提出商标异议并收集在先使用证据，后续将持续跟踪。",
    ),
    (
        "complaint",
        "SCJ",
        "计量器具检定收费标准不透明",
        "我公司送检加油机和电子秤，检定机构收费比去年高出不少，询问收费依据时工作人员无法说明，希望公开收费标准。",
        "经核查，收费调整有文件依据，但未在服务窗口公示。已责令检定机构在窗口和网站公示收费项目和标准，并向企业当面解释。",
    ),
    (
        "suggestion",
        "SCJ",
        "建议企业年报增加数据预填功能",
        "每年填报企业年报时，社保人数、纳税金额等数据需要企业逐项手工填写，其实相关部门都有数据，建议系统自动带出、企业确认即可。",
        "建议已采纳，已商大数据局推进社保、纳税数据共享，计划在明年年报期实现部分数据预填。感谢企业的宝贵建议。",
    ),
    (
        "help",
        "XZSP",
        "外资企业设立登记材料公证认证问题",
        "我公司外方股东在新加坡，设立外资企业时被要求提供经公证认证的主体资格证明，办理周期很长，能否先行受理后补材料。",
        "已按容缺受理办法先行受理，企业作出承诺后发放营业执照，公证认证材料在三个月内补交即可。",
    ),
    (
        "complaint",
        "XZSP",
        "政务服务网上办事系统上传附件总是失败",
        "我公司在政务服务网申请建设工程规划许可，上传设计图纸时系统反复提示文件过大上传失败，拆分后又提示格式不符，已耽误一周。",
        "经排查系附件大小限制设置不合理所致，已将单个附件上限调整为50MB，并安排专人指导企业完成申报。",
    ),
    (
        "help",
        "XZSP",
        "跨省迁入企业营业执照变更指导",
        "我公司拟从外省整体迁入{district}，不知道迁移登记需要先在原登记机关办理什么手续，两地能否网上一次办理。",
        "已告知企业可申请跨省迁移登记“一件事”办理，由迁入地受理、两地联动办理，已安排专员全程帮办。",
    ),
    (
        "consult",
        "XZSP",
        "工程建设项目审批告知承诺制适用范围",
        "我公司在{park}投资的标准厂房项目，听说部分审批事项可以实行告知承诺制，想了解哪些事项适用、承诺不实有什么后果。",
        "已向企业提供本市告知承诺制事项清单，逐项说明适用条件及事后核查要求，企业表示清楚。",
    ),
    (
        "help",
        "ZJJ",
        "商品房预售资金监管账户解冻迟缓",
        "我公司开发的{district}住宅项目主体已封顶，按规定可以申请使用第二节点预售监管资金，申请已提交二十多个工作日仍未审批。",
        "经核实，审批延误系监理报告缺少签章。已一次性告知补正，资金已于补正次日拨付。",
    ),
    (
        "complaint",
        "ZJJ",
        "建筑业企业资质延续审批超期",
        "我公司建筑工程施工总承包资质延续申请已提交两个月，系统一直显示审核中，眼看无法参加下月的项目投标，十分着急。",
        "已督促审批处在五个工作日内办结，企业资质延续证书已发放，并对超期原因进行了通报整改。",
    ),
    (
        "help",
        "ZJJ",
        "老旧厂区加装电梯审批流程",
        "我公司办公楼建于九十年代，员工上下楼不便，想加装一部电梯，不清楚需要办理规划、施工等哪些手续。",
        "已会同规划、市场监管部门明确加装电梯简化审批流程，安排专人上门指导，企业已提交规划方案。",
    ),
    (
        "report",
        "ZJJ",
        "反映建筑工地夜间违规施工扰民影响员工休息",
        "{park}我公司宿舍旁边的建筑工地连续多日凌晨仍在浇筑混凝土，噪声很大，员工无法休息，请求查处。",
        "已责令施工单位停止夜间违规作业，确需连续施工的须依法办理夜间施工许可并公示，已处罚款并回访企业。",
    ),
    (
        "help",
        "RSJ",
        "外籍技术人员工作许可续期办理",
        "我公司聘用的德国籍工程师工作许可将于下月到期，续期时被要求提供新的无犯罪记录证明，能否以原证明加承诺方式办理。",
        "续期申请无需重新提供无犯罪记录证明，已指导企业在线提交续期申请，三个工作日内办结。",
    ),
    (
        "complaint",
        "RSJ",
        "劳动仲裁案件审理期限过长",
        "我公司与一名离职员工的劳动争议仲裁已立案四个月仍未开庭，企业和员工都被拖着，希望仲裁委加快审理。",
        "经查，该案因需补充证据延期。仲裁委已确定开庭时间并通知双方，后续将严格按法定期限审结。",
    ),
    (
        "consult",
        "RSJ",
        "企业新型学徒制培训补贴申请",
        "我公司计划与技工学校合作开展新型学徒制培训，想了解每人补贴标准、申请时间以及需要提交的材料。",
        "已告知补贴标准为每人每年5000元，培训开班前备案、结业后申领，并提供了申报材料模板。",
    ),
    (
        "help",
        "RSJ",
        "招用脱贫人口社保补贴未到账",
        "我公司去年招用了十八名脱贫劳动力，按政策申请了社会保险补贴，审核已通过但资金一直没有拨付。",
        "经核实，因企业银行账户信息有误导致拨付退回。已协助企业更正账户信息，补贴已重新拨付到账。",
    ),
    (
        "help",
        "SWUJ",
        "出口退税申报后长时间未审核",
        "我公司是{park}的外贸企业，三月份申报的出口退税至今未审核，资金占用压力很大，请帮助了解进度。",
        "经核查，该笔退税因需核实供货企业信息延迟。已完成核查并办理退税，今后将对一类、二类出口企业加快审核。",
    ),
    (
        "consult",
        "SWUJ",
        "小规模纳税人增值税减免政策咨询",
        "我们是一家小规模纳税人，想确认今年增值税减免政策的适用标准、开具专用发票后是否还能享受免税。",
        "已电话辅导企业，说明月销售额标准及开具专票部分不能享受免税的规定，并推送了政策解读。",
    ),
    (
        "complaint",
        "SWUJ",
        "电子税务局申报时频繁掉线",
        "征期最后几天电子税务局访问特别慢，填到一半就掉线，已填写的数据全部丢失，企业多次申报失败，担心逾期被罚。",
        "已反馈省局技术部门扩容，对因系统原因导致的逾期申报不予处罚，并开通征期延时服务。",
    ),
    (
        "help",
        "GDJ",
        "申请临时用电手续繁琐",
        "我公司在{district}承建的市政项目需要临时用电，供电公司要求提供的材料比正式用电还多，希望简化手续。",
        "已推行临时用电“线上申请、一次上门”，精简材料为两项，企业临时用电已于三个工作日内送电。",
    ),
    (
        "suggestion",
        "GDJ",
        "建议园区集中建设充电设施减少企业投资",
        "{park}多家企业都有新能源货车充电需求，各自申请报装成本高，建议供电部门统一规划建设园区公共充电站。",
        "建议已纳入园区配电网规划，供电公司将会同园区管委会在年内建成一座公共充电站。",
    ),
    (
        "help",
        "SWJ",
        "工业废水排入市政管网许可办理",
        "我公司新建食品加工车间，生产废水经预处理后需要排入市政污水管网，不清楚排水许可如何申请、需要做哪些检测。",
        "已指导企业委托有资质机构检测水质，材料齐全后五个工作日内核发排水许可证。",
    ),
    (
        "complaint",
        "SWJ",
        "厂区周边市政供水压力不足",
        "{park}我公司所在路段每天上午供水压力明显不足，冷却系统经常报警停机，已向供水公司反映多次未解决。",
        "供水公司已对该路段管网进行检测，更换老化阀门并增设加压设施，目前水压已恢复正常。",
    ),
    (
        "help",
        "STJ",
        "危险废物转移联单办理不畅",
        "我公司产生的废矿物油需要转移到外市有资质单位处置，网上申请跨市转移一直被退回，处置单位仓库已满。",
        "已指导企业补充接收单位经营许可证信息，转移申请已审批通过，并开通危废转移审批绿色通道。",
    ),
    (
        "complaint",
        "STJ",
        "同一环保问题多部门重复检查",
        "本月我公司已先后接待生态环境、应急、住建等部门四次检查，内容大多是环保设施运行情况，频繁迎检影响生产。",
        "已将该企业纳入“综合查一次”名单，后续由生态环境部门牵头联合检查，不再多头重复检查。",
    ),
    (
        "help",
        "CGJ",
        "建筑垃圾处置核准办理",
        "我公司厂房改造会产生约三百方建筑垃圾，需要办理处置核准，想知道到哪个窗口办理、多长时间能办好。",
        "已告知企业在政务服务网提交申请，材料齐全的当日核准，并提供了已备案的消纳场所名单。",
    ),
    (
        "complaint",
        "CGJ",
        "临街店铺外摆被反复处罚标准不一",
        "我公司在{district}经营的餐饮门店按街道规定在划定区域外摆，却被执法队员以占道经营处罚，执法标准不统一。",
        "经核实，街道划定区域未报城管部门备案。已统一划定外摆区域并公示，撤销对企业的处罚决定。",
    ),
    (
        "help",
        "GXJ",
        "专精特新中小企业认定辅导",
        "我公司从事汽车零部件精密加工，今年想申报省级专精特新中小企业，对评价指标不太清楚，请求政策辅导。",
        "工信局已安排专员上门辅导，逐项对照评价指标查找短板，企业已完成网上申报。",
    ),
    (
        "help",
        "GXJ",
        "工业企业错峰用电安排不合理",
        "用电高峰期间我公司被列入错峰生产名单，每周限电三天，但我们是连续生产工艺，频繁启停损失很大。",
        "已会同供电公司重新核定，连续生产企业调整为削峰不停产方式，企业已恢复正常生产。",
    ),
    (
        "consult",
        "KJJ",
        "科技型中小企业评价入库流程",
        "我公司是新成立的软件企业，想申请科技型中小企业评价入库，享受研发费用加计扣除，请问需要什么条件。",
        "已告知企业通过全国科技型中小企业信息服务平台自主评价，并对研发人员占比等指标进行了解读。",
    ),
    (
        "help",
        "ZGJ",
        "项目用地规划条件变更审批",
        "我公司在{park}取得的工业用地，因生产工艺调整需要提高容积率，申请变更规划条件已三个月没有结果。",
        "经论证，容积率调整符合产业用地政策，已完成规划条件变更审批，并按规定免收土地价款。",
    ),
    (
        "complaint",
        "JTJ",
        "园区道路货车限行时段影响物流",
        "{park}主干道新设货车限行时段，我公司原材料和成品运输集中在限行时间，每天多绕行二十多公里。",
        "已会同交警部门优化限行方案，为园区内登记企业货车办理通行证，企业车辆可按规定路线通行。",
    ),
    (
        "help",
        "JTJ",
        "网络货运平台经营许可办理",
        "我公司计划开展网络货运业务，申请道路运输经营许可时对线上服务能力认定材料不清楚，请给予指导。",
        "已向企业提供线上服务能力认定指南，安排专人对接省级监测系统接入，许可已依法办结。",
    ),
    (
        "help",
        "YBJ",
        "异地就医备案流程复杂",
        "我公司有多名员工长期派驻外省项目，办理异地就医备案需要回本地窗口，员工往返不便，能否网上办理。",
        "已告知员工可通过国家医保服务平台APP自助备案，即时生效；已派专人到企业现场指导。",
    ),
    (
        "help",
        "DQ",
        "老旧小区底商改造装修审批",
        "我公司租用东城区老旧小区底商开设连锁药店，装修涉及外立面改造，街道、社区、物业说法不一，不知道找谁审批。",
        "区政府已明确由街道牵头、住建和城管部门联合审查，企业方案已通过，装修已开工。",
    ),
    (
        "help",
        "GX",
        "园区标准厂房租金减免政策落实",
        "高新区出台的初创企业厂房租金减免政策，我公司符合条件并已提交申请，但园区运营公司迟迟不落实。",
        "管委会已督促运营公司按政策兑现，企业前六个月租金已予减免，并对政策执行情况开展专项检查。",
    ),
    (
        "help",
        "NQ",
        "企业周边道路照明设施损坏",
        "南湖区我公司所在的工业路一段路灯损坏两个多月，员工夜班下班路上很不安全，多次反映无人维修。",
        "区城管部门已完成路灯线路维修，并将该路段纳入日常巡查，确保照明设施完好。",
    ),
    (
        "complaint",
        "BX",
        "乡镇收取企业不合理费用",
        "北山县某镇政府以基础设施配套费名义向我公司收取费用，但说不出收费依据，也不开具正规票据。",
        "经县纪委监委和财政部门核查，该收费无合法依据，已责令全额退还企业，并对相关责任人严肃处理。",
    ),
    (
        "help",
        "SWU",
        "外贸企业参加境外展会补贴申请",
        "我公司今年参加了两个境外专业展会，听说有展位费补贴，但不清楚申请时间和需要提交的证明材料。",
        "已向企业推送境外展会补贴申报指南，企业已按时提交申请，正在审核中。",
    ),
    (
        "consult",
        "WJW",
        "职业病危害因素检测频次咨询",
        "我公司车间有粉尘和噪声岗位，想了解职业病危害因素定期检测的频次要求，以及可以委托哪些机构。",
        "已告知企业严重危害企业每年检测一次、一般每三年评价一次，并提供了本市具备资质的技术服务机构名单。",
    ),
    (
        "help",
        "YJJ",
        "安全生产标准化复评审安排",
        "我公司安全生产标准化三级证书即将到期，复评审申请已提交，但评审机构迟迟没有安排现场评审时间。",
        "已协调评审机构在两周内完成现场评审，并提醒企业按期整改发现的问题。",
    ),
    (
        "help",
        "JRB",
        "企业申请应急转贷资金",
        "我公司一笔一千万元流动资金贷款下月到期，续贷前需要先还款，资金周转困难，想申请政府应急转贷资金。",
        "已对接市应急转贷基金，企业申请已审核通过，转贷资金按期拨付，银行已完成续贷。",
    ),
    (
        "suggestion",
        "SJZ",
        "建议打通部门间证照数据减少重复提交",
        "企业办理不同事项时每次都要上传营业执照、身份证等相同材料，建议各部门共享电子证照，减少重复提交。",
        "已推进电子证照在政务服务事项中的调用，现已有120个事项实现营业执照免提交，后续将继续扩大范围。",
    ),
]
TEMPLATES += MORE_TEMPLATES
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
                appeal = services.appeal_submit(actor=enterprise_user, data=data, index_now=True)
            elif i % 4 == 1 and not repeat:
                appeal, _ = services.appeal_intake(
                    actor=hotline_account,
                    payload={**data, "external_id": f"RX{received:%Y%m%d}{i:04d}"},
                    idempotency_key=f"demo-{i}",
                    source_system=hotline,
                )
                routing_services.appeal_index(appeal=appeal)  # the seed runs in one transaction
            else:
                appeal = services.appeal_submit(actor=None, data=data, index_now=True)
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
    created += _wave(rng, now)
    ctx["appeals"] = created


# A wave in the last fortnight: several enterprises of one park write about the same outages, so the
# hotspot page has something current to show. They arrive undispatched, as a wave does.
WAVE = [
    (
        "南湖工业园近两周频繁停电影响生产",
        "南湖工业园近两周已停电四次，每次两三个小时，没有提前通知，生产线被迫停机，请求协调供电部门。",
    ),
    (
        "投诉南湖工业园频繁停电",
        "我公司位于南湖工业园，近期频繁停电且无停电通知，设备重启损失很大，希望尽快解决园区供电问题。",
    ),
    (
        "南湖工业园停电没有提前通知",
        "南湖工业园本周又停电两次，供电所没有任何提前通知，冷库货物受损，请求查明原因。",
    ),
    (
        "反映南湖工业园供电不稳定频繁停电",
        "南湖工业园供电线路老化，近两周频繁停电，企业无法正常生产，请求改造园区供电线路。",
    ),
    (
        "南湖工业园频繁停电企业损失严重",
        "南湖工业园近两周多次突然停电，生产线停机，订单延误，请求供电部门说明原因并提前通知停电。",
    ),
    (
        "南湖工业园三天两头停电",
        "我们在南湖工业园的工厂三天两头停电，也没有停电公告，请求有关部门协调供电公司保障园区用电。",
    ),
]


def _wave(rng: random.Random, now: datetime) -> list[Appeal]:
    made = []
    for n, (title, description) in enumerate(WAVE):
        ent_index = (n * 2) % len(ENTERPRISES)
        data = {
            "enterprise_name": ENTERPRISES[ent_index],
            "credit_code": credit_code_for(ent_index + 1),
            "contact_name": rng.choice(SURNAMES) + "经理",
            "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "category": "complaint",
            "title": title,
            "description": description,
        }
        received = _office_time(rng, now - timedelta(days=13 - 2 * n))
        if received > now - timedelta(hours=2):
            received = now - timedelta(hours=2 + n)
        with clock(received):
            made.append(services.appeal_submit(actor=None, data=data, index_now=True))
    return made


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
