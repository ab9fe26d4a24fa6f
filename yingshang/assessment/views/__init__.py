"""Pages of the assessment, one module per section. Thin: parse, access, call one service, render."""

from .bulletins import bulletin_download, bulletin_edit
from .monitoring import monitoring, monitoring_indicator_save, monitoring_report, monitoring_to_task
from .runs import (
    department_score,
    drill,
    objection_decide,
    objection_detail,
    objection_submit,
    red_black,
    run_action_view,
    run_compute,
    run_detail,
    run_export,
    run_list,
)
from .setup import bonus_decide, bonus_list, indicator_set_edit

__all__ = [
    "bonus_decide",
    "bonus_list",
    "bulletin_download",
    "bulletin_edit",
    "department_score",
    "drill",
    "indicator_set_edit",
    "monitoring",
    "monitoring_indicator_save",
    "monitoring_report",
    "monitoring_to_task",
    "objection_decide",
    "objection_detail",
    "objection_submit",
    "red_black",
    "run_action_view",
    "run_compute",
    "run_detail",
    "run_export",
    "run_list",
]
