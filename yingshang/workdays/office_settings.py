"""Counting rules for time limits, tuned by the office."""

from yingshang.core.office_settings import define

GROUP = "工作日与办公时间"

define(
    "workdays_count_receipt_day",
    "收件当日计入期限",
    False,
    kind="bool",
    group=GROUP,
    help="选“是”：收件当日（工作日）算作第 1 个工作日，按小时计的时限自收件时起算；选“否”：自下一个工作日起算。",
)
define(
    "workdays_morning_start",
    "上午上班时间",
    "09:00",
    kind="time",
    group=GROUP,
    help="按工作小时计算时限时使用的办公时间，格式 HH:MM。",
)
define("workdays_morning_end", "上午下班时间", "12:00", kind="time", group=GROUP, help="格式 HH:MM。")
define("workdays_afternoon_start", "下午上班时间", "13:30", kind="time", group=GROUP, help="格式 HH:MM。")
define(
    "workdays_afternoon_end",
    "下午下班时间",
    "17:30",
    kind="time",
    group=GROUP,
    help="格式 HH:MM。按工作日计的期限截止于最后一个工作日的下午下班时间。",
)
