"""The error codes the workdays app raises (see core.errors)."""

CODES: dict[str, str] = {
    "workdays.calendar_forbidden": "只有营商办可以维护工作日历",
    "workdays.override_invalid": "日历调整的内容有误",
    "workdays.year_range": "年度超出可维护的范围",
    "workdays.override_missing": "要删除的日历调整已不存在",
    "workdays.holiday_text_invalid": "粘贴的放假安排中有无法识别的行",
    "workdays.holiday_text_empty": "粘贴的放假安排中没有日期",
}
