"""Pages of supervision, one module per section. Thin: parse, access, call one service, render."""

from .cases import case_act, case_create, case_detail, case_list
from .inspections import (
    finding_act,
    finding_detail,
    finding_list,
    inspection_create,
    inspection_detail,
    inspection_list,
)
from .instructions import instruction_act, instruction_create, instruction_detail, instruction_list
from .orders import item, order_act, order_detail, order_list, order_notice_docx
from .reminders import reminder_go, reminder_list

__all__ = [
    "case_act",
    "case_create",
    "case_detail",
    "case_list",
    "finding_act",
    "finding_detail",
    "finding_list",
    "inspection_create",
    "inspection_detail",
    "inspection_list",
    "instruction_act",
    "instruction_create",
    "instruction_detail",
    "instruction_list",
    "item",
    "order_act",
    "order_detail",
    "order_list",
    "order_notice_docx",
    "reminder_go",
    "reminder_list",
]
