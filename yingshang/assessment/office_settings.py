from yingshang.core.office_settings import define

GROUP = "考核评价"

define(
    "assessment_publicity_workdays",
    "考核结果公示期（工作日）",
    5,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=30,
    help="冻结后的考核结果向各单位公示的工作日数，公示期内可提出异议。",
)
define(
    "assessment_list_size",
    "红黑榜上榜单位数（每组）",
    3,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=20,
    help="每个分组得分最高的 N 个单位列入红榜，最低的 N 个单位列入黑榜。",
)
define(
    "assessment_doc_prefix",
    "发文字号机关代字",
    "示营商办",
    kind="str",
    group=GROUP,
    help="通报的发文字号写作“机关代字〔年份〕序号号”，如“示营商办〔2026〕5号”。",
)
define(
    "assessment_issuer",
    "发文机关",
    "示例市优化营商环境工作办公室",
    kind="str",
    group=GROUP,
)
define(
    "assessment_recipients",
    "通报主送机关",
    "各区县人民政府，市直各部门",
    kind="str",
    group=GROUP,
)
define(
    "assessment_weak_indicators",
    "短板指标显示个数",
    5,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=30,
    help="营商环境指标监测中前沿距离得分最低的 N 项列为短板指标。",
)
