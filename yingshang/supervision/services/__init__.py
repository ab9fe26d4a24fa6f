"""Every write of supervision, one module per section: orders, instructions, inspections and findings,
typical cases, reminders (and what they share in `common`)."""

from .cases import case_create, case_people, case_set_names_printable, case_transition
from .common import EVIDENCE_TYPES, PHOTO_TYPES, department_people
from .inspections import finding_create, finding_transition, inspection_add_photos, inspection_create
from .instructions import instruction_create, instruction_transition
from .orders import order_issue, order_notice_print, order_transition
from .reminders import owed_reminder, reminder_scan, reminder_send

__all__ = [
    "EVIDENCE_TYPES",
    "PHOTO_TYPES",
    "case_create",
    "case_people",
    "case_set_names_printable",
    "case_transition",
    "department_people",
    "finding_create",
    "finding_transition",
    "inspection_add_photos",
    "inspection_create",
    "instruction_create",
    "instruction_transition",
    "order_issue",
    "order_notice_print",
    "order_transition",
    "owed_reminder",
    "reminder_scan",
    "reminder_send",
]
