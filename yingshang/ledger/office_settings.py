from yingshang.core.office_settings import define

GROUP = "台账管理"

define(
    "ledger_yellow_workdays",
    "临近完成时限黄色预警（工作日）",
    10,
    kind="int",
    group=GROUP,
    minimum=0,
    maximum=120,
    help="距完成时限不超过该工作日数的未销号任务显示黄色预警。",
)
define(
    "ledger_red_missed_reports",
    "连续未反馈次数达到即红色预警",
    2,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=12,
    help="自最近一次反馈后连续缺报的周期数达到该值时显示红色预警。",
)
define(
    "ledger_report_due_workdays",
    "周期结束后第几个工作日前反馈",
    5,
    kind="int",
    group=GROUP,
    minimum=0,
    maximum=30,
    help="每个反馈周期结束后第 N 个工作日为反馈截止日，此后提交的为逾期反馈；到下一周期截止日仍未反馈记为未按时反馈。",
)
define(
    "ledger_head_approval",
    "部门提交须经部门负责人审核",
    False,
    kind="bool",
    group=GROUP,
    help="开启后，联络员提交的进度反馈和销号申请先由本部门负责人审核：反馈经审核后才计入，销号申请经审核后才报营商办。",
)
define(
    "ledger_default_cycle",
    "默认反馈周期",
    "month",
    kind="choice",
    group=GROUP,
    choices=(("month", "每月"), ("quarter", "每季度"), ("half", "每半年"), ("year", "每年")),
    help="导入或新建任务未写明反馈周期时采用。",
)
define(
    "ledger_export_sync_rows",
    "超过该行数的导出转为后台生成",
    5000,
    kind="int",
    group=GROUP,
    minimum=100,
    maximum=200000,
)

from .importing import office_settings as _import_settings  # noqa: E402, F401
