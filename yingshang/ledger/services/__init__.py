"""Every write to the ledger, one module per section; the public names are here so callers write
`from yingshang.ledger import services` and `services.task_create(...)`.

For the import (yingshang/ledger/importing/), the services to call are:

    policy_document_create(*, actor, title, doc_number="", issuer="", issued_on=None, source_file_name="",
                           source_file=None) -> PolicyDocument
    measure_create(*, actor, document, title, serial="", category=None, sort_order=0) -> Measure
    task_create(*, actor, **TaskSpec) -> Task
        `TaskSpec` (services/tasks.py) lists the keywords: measure, title, lead_departments, primary_lead,
        co_departments, deadline, ongoing, cycle, category, serial, deadline_text, metric, target_value, unit,
        is_priority, start_date, milestones, source_key, sort_order, in_assessment, closed_on.
        `source_key` is a stable idempotency key (e.g. "<document key>:<row key>"), unique across tasks:
        find the existing row with `selectors.task_by_source_key(key)` before creating.
    task_adjust(*, actor, task, reason, changes, seen_version=None) -> Task
        office only, for an existing task whose imported row changed; `changes` may hold title, serial,
        deadline, deadline_text, ongoing, cycle, category, metric, target_value, unit, is_priority,
        lead_departments, primary_lead, co_departments.
    category_create(*, actor, code, name, sort_order=0) / selectors.categories()
    measure_create_many(*, actor, rows, labels=None) -> [Measure]
    task_create_many(*, actor, rows, labels=None, timeline_data=None, detail="") -> [Task]
        many at once (a 10,000-row plan): each row holds the keywords of measure_create / task_create and is
        built by the same rule (`_build_measure` / `_build_task`); multi-row inserts, a timeline line per
        task, one audit record per batch; `labels[i]` names row i in an error.

All of them run in one transaction each and may be nested in the import's own `transaction.atomic`
(commit all rows or none)."""

from ..models import Cycle
from ._common import EVIDENCE_TYPES, task_thresholds
from .closeout import (
    close_out_head_decide,
    close_out_request,
    close_out_review,
    extension_decide,
    extension_request,
)
from .documents import (
    category_create,
    category_update,
    implementation_report_docx,
    implementation_report_title,
    measure_create,
    measure_create_many,
    policy_document_create,
)
from .exports import (
    EXPORT_TITLE,
    EXPORT_WIDTHS,
    export_downloaded,
    export_job_create,
    export_job_run,
    saved_filter_delete,
    saved_filter_save,
)
from .reports import (
    contribution_submit,
    default_report_period,
    progress_report_head_decide,
    progress_report_submit,
)
from .tasks import (
    ADJUSTABLE,
    SOURCE_KEY_TAKEN,
    TaskSpec,
    milestone_complete,
    task_adjust,
    task_cancel,
    task_create,
    task_create_in_document,
    task_create_many,
    task_department_lists,
    task_reopen,
    task_transition,
    warnings_refresh_all,
)


def cycle_label(cycle: str) -> str:
    return Cycle(cycle).label


__all__ = [
    "ADJUSTABLE",
    "EVIDENCE_TYPES",
    "EXPORT_TITLE",
    "EXPORT_WIDTHS",
    "SOURCE_KEY_TAKEN",
    "Cycle",
    "TaskSpec",
    "category_create",
    "category_update",
    "close_out_head_decide",
    "close_out_request",
    "close_out_review",
    "contribution_submit",
    "cycle_label",
    "default_report_period",
    "export_downloaded",
    "export_job_create",
    "export_job_run",
    "extension_decide",
    "extension_request",
    "implementation_report_docx",
    "implementation_report_title",
    "measure_create",
    "measure_create_many",
    "milestone_complete",
    "policy_document_create",
    "progress_report_head_decide",
    "progress_report_submit",
    "saved_filter_delete",
    "saved_filter_save",
    "task_adjust",
    "task_cancel",
    "task_create",
    "task_create_in_document",
    "task_create_many",
    "task_department_lists",
    "task_reopen",
    "task_thresholds",
    "task_transition",
    "warnings_refresh_all",
]
