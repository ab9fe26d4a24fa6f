"""Every write of the assessment, one module per section: indicator sets, bonus items, computing a period
and the run's workflow with its objections, bulletins, and indicator monitoring."""

from .bonus import bonus_item_create, bonus_item_decide
from .bulletins import bulletin_number, bulletin_save, ensure_not_draft
from .common import EVIDENCE_TYPES, require_office
from .indicator_sets import indicator_set_save, specs_of
from .monitoring import evaluation_indicator_save, evaluation_value_report, weak_indicator_to_tasks
from .runs import (
    PREDICATES,
    eligible_departments,
    objection_decide,
    objection_submit,
    run_compute,
    run_transition,
)

__all__ = [
    "EVIDENCE_TYPES",
    "PREDICATES",
    "bonus_item_create",
    "bonus_item_decide",
    "bulletin_number",
    "bulletin_save",
    "eligible_departments",
    "ensure_not_draft",
    "evaluation_indicator_save",
    "evaluation_value_report",
    "indicator_set_save",
    "objection_decide",
    "objection_submit",
    "require_office",
    "run_compute",
    "run_transition",
    "specs_of",
    "weak_indicator_to_tasks",
]
