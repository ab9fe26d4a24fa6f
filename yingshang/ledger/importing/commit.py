"""Stage a parsed plan against the ledger (what would be created, updated, left alone) and commit it all or
nothing through the ledger's services, in one short transaction after everything has been read and checked."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.crashpoints import maybe_crash
from yingshang.core.errors import (
    ApplicationError,
    ValidationFailed,
)
from yingshang.org import services as org_services
from yingshang.org.models import Department

from .. import services as ledger
from ..models import Category, Cycle, Measure, PolicyDocument, Task, TaskDepartment
from .parser import NEW_UNIT, ImportRow, ParseResult, row_key, task_digest


@dataclass
class RowPlan:
    row: ImportRow
    action: str  # "create" | "update" | "unchanged" | "error"
    task_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    category: Category | None = None
    past_due: bool = False  # a new task whose deadline has already passed


@dataclass
class Staged:
    result: ParseResult
    plans: list[RowPlan]
    documents: dict[str, PolicyDocument | None]
    new_units: list[str]
    tasks: dict[int, Task] = field(default_factory=dict)
    # Units the user mapped to an existing department in the preview: kept as that department's aliases.
    aliases: dict[str, str] = field(default_factory=dict)
    roles: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)  # task -> (lead, co) codes
    new_unit_kinds: dict[str, str] = field(default_factory=dict)  # unit to create -> Department.Kind, or ""
    historical: str = ""  # what past-due new tasks become: one of HISTORICAL

    @property
    def untyped_units(self) -> list[str]:
        return [name for name in self.new_units if not self.new_unit_kinds.get(name)]

    @property
    def past_due_count(self) -> int:
        return sum(1 for p in self.plans if p.past_due)

    @property
    def digest(self) -> str:
        """A fingerprint of everything the commit will write. The preview carries it to the confirm, and a
        commit whose fresh staging differs (the ledger or the choices changed meanwhile) is refused."""
        planned = [
            [
                p.action,
                p.task_id,
                sorted(p.changes.items()),
                p.category.code if p.category else None,
                p.past_due,
            ]
            for p in self.plans
        ]
        documents = sorted((title, doc.pk if doc else None) for title, doc in self.documents.items())
        units = sorted(self.new_unit_kinds.items())
        state = [planned, documents, units, sorted(self.aliases.items()), self.historical]
        return hashlib.sha256(json.dumps(state, default=str, ensure_ascii=False).encode()).hexdigest()

    @property
    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0}
        for p in self.plans:
            if p.action == "create":
                out["created"] += 1
            elif p.action == "update":
                out["updated"] += 1
            elif p.action == "unchanged":
                out["unchanged"] += 1
        return out


# The title of the ledger's own Excel export (ledger.views.export): the one file whose rows find tasks by text.
LEDGER_EXPORT_TITLE = "重点任务台账"

# What new tasks whose deadline has already passed become (an old plan imported for the record).
HISTORICAL = {
    "": "按普通任务导入（立即显示逾期预警，参与考核）",
    "done": "作为历史任务：已完成（不预警，不纳入考核）",
    "excluded": "作为历史任务：不纳入考核（仍需办理）",
}

# Up to this many new rows go through `task_create` one by one; more are inserted in bulk.
BULK_THRESHOLD = 50


def _categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "id"))


def match_category(text: str, categories: list[Category]) -> Category | None:
    """ "政务环境", "一、持续优化政务环境" and "政务" all find 政务环境."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return None
    for c in categories:
        if c.name == text:
            return c
    for c in categories:
        if c.name in text:
            return c
    hits = [c for c in categories if text in c.name]
    return hits[0] if len(hits) == 1 else None


def _desired(plan: RowPlan, codes: dict[str, Department]) -> dict[str, Any]:
    row = plan.row
    # Deduplicated by code (hashing model instances is slow at 10,000 rows).
    lead_codes = [c for c in dict.fromkeys(row.matched.get(x.written) for x in row.lead) if c in codes]
    co_codes = [
        c
        for c in dict.fromkeys(row.matched.get(x.written) for x in row.co)
        if c in codes and c not in lead_codes
    ]
    return {"leads": [codes[c] for c in lead_codes], "cos": [codes[c] for c in co_codes]}


def _load_roles(task_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    roles: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in task_ids}
    for i in range(0, len(task_ids), 900):
        for task_id, code, role in (
            TaskDepartment.objects.filter(task_id__in=task_ids[i : i + 900])
            .order_by("task_id", "-is_primary", "sort_order", "id")
            .values_list("task_id", "department__code", "role")
        ):
            roles[task_id][0 if role == TaskDepartment.Role.LEAD else 1].append(code)
    return roles


def _changes(row: ImportRow, task: Task, category: Category | None, leads: list[str], cos: list[str]) -> dict:
    """What the row would change on its task; empty when the file says what the ledger already holds."""
    changes: dict[str, Any] = {}
    if task.title != row.task.strip():
        changes["title"] = row.task.strip()
    if row.seq and task.serial != row.seq:
        changes["serial"] = row.seq
    if row.deadline.ongoing:
        if not task.ongoing:
            changes["ongoing"] = True
            changes["deadline"] = None
        if row.deadline.cycle and task.cycle != row.deadline.cycle:
            changes["cycle"] = row.deadline.cycle
    else:
        if task.ongoing:
            changes["ongoing"] = False
        if task.deadline != row.deadline.date:
            changes["deadline"] = row.deadline.date
    if "deadline" in changes or "ongoing" in changes:
        changes["deadline_text"] = row.deadline.text[:100]
    if category is not None and task.category_id != category.pk:
        changes["category"] = category
    lead_codes = list(dict.fromkeys(c for c in (row.matched.get(x.written) for x in row.lead) if c))
    co_codes = [
        c
        for c in dict.fromkeys(c for c in (row.matched.get(x.written) for x in row.co) if c)
        if c not in lead_codes
    ]
    if lead_codes and (lead_codes[0] != (leads[0] if leads else None) or set(lead_codes) != set(leads)):
        changes["lead_codes"] = lead_codes
    if set(co_codes) != set(cos):
        changes["co_codes"] = co_codes
    return changes


CHANGE_LABELS = {
    "title": "任务内容",
    "serial": "序号",
    "ongoing": "长期任务",
    "deadline": "完成时限",
    "cycle": "反馈周期",
    "category": "任务类别",
    "lead_codes": "牵头单位",
    "co_codes": "配合单位",
}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _official_date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "无"


def describe_changes(staged: Staged, plans: list[RowPlan]) -> dict[int, list[Change]]:
    """What each update row changes on its task, in words: field labels and old → new values, units by name."""
    codes = {c for p in plans for key in ("lead_codes", "co_codes") for c in p.changes.get(key, [])}
    for p in plans:
        for role_codes in staged.roles.get(p.task_id or 0, ([], [])):
            codes.update(role_codes)
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    category_names = dict(Category.objects.values_list("pk", "name"))

    def units(values: list[str]) -> str:
        return "、".join(names.get(c, c.removeprefix(NEW_UNIT)) for c in values) or "无"

    def shown(key: str, value: Any) -> str:
        if key == "deadline":
            return _official_date(value)
        if key == "ongoing":
            return "是" if value else "否"
        if key == "cycle":
            return str(Cycle(value).label) if value else "无"
        if key == "category":
            return category_names.get(value.pk if isinstance(value, Category) else value, "未指定")
        if key in ("lead_codes", "co_codes"):
            return units(value)
        return str(value or "无")

    out: dict[int, list[Change]] = {}
    for plan in plans:
        if plan.action != "update" or plan.task_id is None:
            continue
        task = staged.tasks[plan.task_id]
        leads, cos = staged.roles.get(plan.task_id, ([], []))
        before = {
            "title": task.title,
            "serial": task.serial,
            "ongoing": task.ongoing,
            "deadline": task.deadline,
            "cycle": task.cycle,
            "category": task.category_id,
            "lead_codes": leads,
            "co_codes": cos,
        }
        out[id(plan)] = [
            Change(label, shown(key, before[key]), shown(key, plan.changes[key]))
            for key, label in CHANGE_LABELS.items()
            if key in plan.changes
        ]
    return out


def stage(
    result: ParseResult,
    *,
    document: PolicyDocument | None = None,
    categories: dict[int, str] | None = None,
    mapping: dict[str, str] | None = None,
    historical: str = "",
    today: date | None = None,
) -> Staged:
    """Decide per row: create, update (and what changes) or unchanged. Reads only.

    A row finds its task by source key (document + task text + occurrence), else by the same text or the same
    序号 in the same document (the text or the numbering changed). Rows of a file that names no known document —
    such as the ledger's own export, titled "重点任务台账" — find their tasks by exact task text anywhere; rows of
    any other file naming no known document create a new document and new tasks."""
    all_categories = _categories()
    by_code = {c.code: c for c in all_categories}
    documents = _documents_named(result, document)
    tasks, by_text = _candidate_tasks(result, documents)
    index = _index_tasks(tasks, by_text)
    roles = _load_roles(sorted(tasks))
    claimed: set[int] = set()
    plans: list[RowPlan] = []
    for i, row in enumerate(result.rows):
        chosen = (categories or {}).get(i)
        category = by_code.get(chosen) if chosen else match_category(row.category, all_categories)
        plan = RowPlan(row=row, action="error" if row.errors else "create", category=category)
        plans.append(plan)
        if row.errors:
            continue
        plan.past_due = _past_due(row, today)
        task = index.find(row, documents.get(row.document), claimed)
        if task is None:
            continue
        claimed.add(task.pk)
        plan.past_due = False  # only new tasks: an existing task keeps its own history
        plan.task_id = task.pk
        plan.changes = _changes(row, task, category, *roles.get(task.pk, ([], [])))
        plan.action = "update" if plan.changes else "unchanged"
    new_units = _new_units(result)
    return Staged(
        result=result,
        plans=plans,
        documents=documents,
        new_units=new_units,
        tasks=tasks,
        aliases=_kept_aliases(result, mapping),
        roles=roles,
        new_unit_kinds={name: (mapping or {}).get(name, "").removeprefix(NEW_UNIT) for name in new_units},
        historical=historical if historical in HISTORICAL else "",
    )


def _documents_named(
    result: ParseResult, document: PolicyDocument | None
) -> dict[str, PolicyDocument | None]:
    """Each document the rows name, with the ledger's document of that title (or the one given), if any."""
    documents: dict[str, PolicyDocument | None] = {}
    for title in dict.fromkeys(r.document for r in result.rows):
        documents[title] = document or PolicyDocument.objects.filter(title=title).order_by("id").first()
    return documents


def _candidate_tasks(
    result: ParseResult, documents: dict[str, PolicyDocument | None]
) -> tuple[dict[int, Task], dict[str, list[Task]]]:
    """The tasks the rows may update by id, and those of the ledger's export rows by exact text."""
    doc_ids = {d.pk for d in documents.values() if d is not None}
    tasks: dict[int, Task] = {}
    if doc_ids:
        tasks.update({t.pk: t for t in Task.objects.filter(document_id__in=doc_ids)})
    # Only the ledger's own export may update tasks of any document; any other file without a known document
    # is a new plan, whose rows never touch another plan's tasks however alike their texts or numbers are.
    orphan_titles = sorted(
        {
            r.task.strip()
            for r in result.rows
            if documents.get(r.document) is None and r.document == LEDGER_EXPORT_TITLE
        }
    )
    by_text: dict[str, list[Task]] = {}
    for i in range(0, len(orphan_titles), 500):
        for t in Task.objects.filter(title__in=orphan_titles[i : i + 500]).order_by("id"):
            tasks.setdefault(t.pk, t)
            by_text.setdefault(t.title, []).append(t)
    return tasks, by_text


@dataclass
class _TaskIndex:
    """The candidate tasks by source key, by (document, 序号), by (document, text digest) and by exact text."""

    existing: dict[str, Task]
    by_serial: dict[tuple[int, str], list[Task]]
    by_digest: dict[tuple[int, str], list[Task]]
    by_text: dict[str, list[Task]]

    def find(self, row: ImportRow, doc: PolicyDocument | None, claimed: set[int]) -> Task | None:
        """The task `row` updates, never one an earlier row already claimed; None for a new task."""
        task: Task | None = None
        if doc is not None:
            task = self.existing.get(row_key(doc.pk, row.task, row.occurrence))
            if task is None or task.pk in claimed:
                candidates = self.by_digest.get((doc.pk, task_digest(row.task)), []) + self.by_serial.get(
                    (doc.pk, row.seq), []
                )
                task = next((t for t in candidates if t.pk not in claimed), None)
        elif row.document == LEDGER_EXPORT_TITLE:
            task = next((t for t in self.by_text.get(row.task.strip(), []) if t.pk not in claimed), None)
        return task


def _index_tasks(tasks: dict[int, Task], by_text: dict[str, list[Task]]) -> _TaskIndex:
    index = _TaskIndex(existing={}, by_serial={}, by_digest={}, by_text=by_text)
    for t in sorted(tasks.values(), key=lambda t: t.pk):
        if t.source_key:
            index.existing[t.source_key] = t
        if t.serial:
            index.by_serial.setdefault((t.document_id, t.serial), []).append(t)
        index.by_digest.setdefault((t.document_id, task_digest(t.title)), []).append(t)
    return index


def _past_due(row: ImportRow, today: date | None) -> bool:
    return bool(
        not row.deadline.ongoing and row.deadline.date and row.deadline.date < (today or timezone.localdate())
    )


def _new_units(result: ParseResult) -> list[str]:
    """The units the user chose to create as new departments, by name."""
    return sorted(
        {
            code[len(NEW_UNIT) :]
            for r in result.rows
            for code in r.matched.values()
            if code and code.startswith(NEW_UNIT)
        }
    )


def _kept_aliases(result: ParseResult, mapping: dict[str, str] | None) -> dict[str, str]:
    """Units the rows use that the user mapped to an existing department: name -> department code."""
    used = {name for r in result.rows for name in r.matched}
    return {
        name: code
        for name, code in (mapping or {}).items()
        if name in used and code and not code.startswith(NEW_UNIT)
    }


def _new_department_code(taken: set[str]) -> str:
    n = 1
    while f"IMP{n:03d}" in taken:
        n += 1
    taken.add(f"IMP{n:03d}")
    return f"IMP{n:03d}"


def commit(staged: Staged, *, actor: Any, file_name: str = "", source_file: Any = None) -> dict[str, int]:
    """Write every planned row, or none: any refusal rolls the whole import back."""
    result = staged.result
    _refuse_unless_ready(staged)
    source_name = file_name or result.file_name
    reason = f"按导入文件《{source_name}》更新"
    with transaction.atomic():
        codes = _departments(staged, actor=actor)
        documents = _documents(staged, actor=actor, source_name=source_name, source_file=source_file)
        creates = [
            (order, plan) for order, plan in enumerate(staged.plans, start=1) if plan.action == "create"
        ]
        _create_tasks(
            creates,
            actor=actor,
            documents=documents,
            codes=codes,
            file_name=source_name,
            historical=staged.historical,
        )
        maybe_crash("ledger.import.commit")  # crash-safety proof: tasks written, updates and audit not yet
        _update_tasks(staged, actor=actor, codes=codes, reason=reason)
        counts = staged.counts
        audit_record(
            actor=actor,
            action="ledger.import",
            object_type="ledger.policydocument",
            object_id=",".join(str(d.pk) for d in documents.values()),
            after={"file": source_name, "rows": len(result.rows), **counts},
            detail=f"导入任务分工方案《{source_name}》",
        )
    return counts


def _refuse_unless_ready(staged: Staged) -> None:
    result = staged.result
    if not result.ok:
        raise ValidationFailed(
            f"导入文件有 {result.error_count()} 处问题，未保存任何内容。请按提示修改后重新导入。",
            code="ledger.import_rows_invalid",
        )
    if staged.untyped_units:
        raise ValidationFailed(
            f"请为导入时新建的单位选择类型：{'、'.join(staged.untyped_units)}。未保存任何内容。",
            code="ledger.import_unit_kind_missing",
        )


def _departments(staged: Staged, *, actor: Any) -> dict[str, Department]:
    """The departments the rows name, by code (new units by NEW_UNIT + name): the new units are created and
    the names the user mapped are added to their department's aliases."""
    codes: dict[str, Department] = {}
    needed = {c for r in staged.result.rows for c in r.matched.values() if c and not c.startswith(NEW_UNIT)}
    codes.update({d.code: d for d in Department.objects.filter(code__in=needed)})
    taken = set(Department.objects.filter(code__startswith="IMP").values_list("code", flat=True))
    for name in staged.new_units:
        # Not ranked until the office includes it (the assessment's unit list honours in_assessment).
        department = org_services.department_create(
            actor=actor,
            code=_new_department_code(taken),
            name=name,
            kind=staged.new_unit_kinds[name],
            in_assessment=False,
        )
        codes[NEW_UNIT + name] = department
    for name, code in sorted(staged.aliases.items()):
        mapped = codes.get(code)
        if mapped is not None and name not in mapped.all_names():
            org_services.department_update(actor=actor, department=mapped, aliases=[*mapped.aliases, name])
    return codes


def _documents(
    staged: Staged, *, actor: Any, source_name: str, source_file: Any
) -> dict[str, PolicyDocument]:
    """Each document the rows name, created when new tasks need one the ledger lacks; `staged` learns them."""
    documents: dict[str, PolicyDocument] = {}
    needs_document = {p.row.document for p in staged.plans if p.action == "create"}
    for title, doc in staged.documents.items():
        if doc is None and title in needs_document:
            doc = ledger.policy_document_create(
                actor=actor,
                title=title[:300],
                source_file_name=source_name,
                source_file=source_file,
            )
        if doc is not None:
            documents[title] = doc
            staged.documents[title] = doc
    return documents


def _update_tasks(staged: Staged, *, actor: Any, codes: dict[str, Department], reason: str) -> None:
    """Adjust each task an update row changes; a refusal names the row."""
    for plan in staged.plans:
        if plan.action != "update":
            continue
        row = plan.row
        task = staged.tasks[plan.task_id]  # type: ignore[index]
        changes = _task_changes(plan, codes)
        try:
            ledger.task_adjust(actor=actor, task=task, reason=reason, changes=changes)
        except ApplicationError as exc:
            raise ValidationFailed(
                f"{row.table}第{row.row}行对应的任务不能更新：{exc.message}",
                code="ledger.import_update_refused",
            ) from exc


def _task_changes(plan: RowPlan, codes: dict[str, Department]) -> dict[str, Any]:
    """The plan's changes as `task_adjust` takes them: departments instead of unit codes."""
    who = _desired(plan, codes)
    changes = dict(plan.changes)
    if "lead_codes" in changes:
        changes.pop("lead_codes")
        changes["lead_departments"] = who["leads"]
        changes["primary_lead"] = who["leads"][0]
    if "co_codes" in changes:
        changes.pop("co_codes")
        changes["co_departments"] = who["cos"]
    return changes


def _create_tasks(
    creates: list[tuple[int, RowPlan]],
    *,
    actor: Any,
    documents: dict[str, PolicyDocument],
    codes: dict[str, Department],
    file_name: str,
    historical: str,
) -> None:
    """New rows through the ledger's services: up to BULK_THRESHOLD rows one `task_create` each (an audit
    record per task), more through `measure_create_many` and `task_create_many` (the same rule, multi-row
    inserts and one audit record for the batch), so 10,000 rows commit in seconds."""
    if len(creates) <= BULK_THRESHOLD:
        _create_tasks_one_by_one(
            creates, actor=actor, documents=documents, codes=codes, historical=historical
        )
        return
    measure_rows: list[dict[str, Any]] = []
    measure_labels: list[str] = []
    measure_of: list[int] = []  # index into measure_rows, per created row
    by_key: dict[tuple[int, str], int] = {}
    for order, plan in creates:
        row = plan.row
        doc = documents[row.document]
        key = (doc.pk, row.measure) if row.measure else None
        index = by_key.get(key) if key else None
        if index is None:
            index = len(measure_rows)
            measure_rows.append(
                {
                    "document": doc,
                    "title": row.measure or row.task,
                    "serial": row.seq,
                    "category": plan.category,
                    "sort_order": order,
                }
            )
            measure_labels.append(f"{row.table}第{row.row}行")
            if key:
                by_key[key] = index
        measure_of.append(index)
    measures = ledger.measure_create_many(actor=actor, rows=measure_rows, labels=measure_labels)
    task_rows: list[dict[str, Any]] = []
    labels: list[str] = []
    for (order, plan), index in zip(creates, measure_of, strict=True):
        row = plan.row
        who = _desired(plan, codes)
        measure = measures[index]
        task_rows.append(
            {
                "measure": measure,
                "title": row.task,
                "lead_departments": who["leads"],
                "co_departments": who["cos"],
                "deadline": row.deadline.date,
                "ongoing": row.deadline.ongoing,
                "cycle": row.deadline.cycle or None,
                "category": plan.category,
                "serial": row.seq,
                "deadline_text": row.deadline.text,
                "source_key": row_key(measure.document_id, row.task, row.occurrence),
                "sort_order": order,
                **_history(plan, historical),
            }
        )
        labels.append(f"{row.table}第{row.row}行")
    ledger.task_create_many(
        actor=actor,
        rows=task_rows,
        labels=labels,
        timeline_data={"file": file_name},
        detail=f"导入《{file_name}》新建任务 {len(task_rows)} 条",
    )


def _create_tasks_one_by_one(
    creates: list[tuple[int, RowPlan]],
    *,
    actor: Any,
    documents: dict[str, PolicyDocument],
    codes: dict[str, Department],
    historical: str,
) -> None:
    measures: dict[tuple[int, str], Measure] = {}
    for order, plan in creates:
        row = plan.row
        doc = documents[row.document]
        who = _desired(plan, codes)
        key = (doc.pk, row.measure) if row.measure else None
        measure = measures.get(key) if key else None
        if measure is None:
            measure = ledger.measure_create(
                actor=actor,
                document=doc,
                title=row.measure or row.task,
                serial=row.seq,
                category=plan.category,
                sort_order=order,
            )
            if key:
                measures[key] = measure
        ledger.task_create(
            actor=actor,
            measure=measure,
            title=row.task,
            lead_departments=who["leads"],
            co_departments=who["cos"],
            deadline=row.deadline.date,
            ongoing=row.deadline.ongoing,
            cycle=row.deadline.cycle or None,
            category=plan.category,
            serial=row.seq,
            deadline_text=row.deadline.text,
            source_key=row_key(doc.pk, row.task, row.occurrence),
            sort_order=order,
            **_history(plan, historical),
        )


def _history(plan: RowPlan, historical: str) -> dict[str, Any]:
    """A past-due new task imported as history leaves assessment; "done" also records it closed by its
    deadline, so it raises no warning."""
    if not plan.past_due or not historical:
        return {}
    return {"in_assessment": False, "closed_on": plan.row.deadline.date if historical == "done" else None}
