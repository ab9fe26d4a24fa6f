"""Stage a parsed plan against the ledger (what would be created, updated, left alone) and commit it all or
nothing through the ledger's services, in one short transaction after everything has been read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yingshang.audit.events import record as audit_record
from yingshang.core.errors import (
    ApplicationError,
    ConcurrentChange,
    ValidationFailed,
    validation_error_fields,
)
from yingshang.core.office_settings import get_setting
from yingshang.org import services as org_services
from yingshang.org.models import Department

from .. import services as ledger
from ..models import Category, Measure, PolicyDocument, Task, TaskDepartment
from .parser import NEW_UNIT, ImportRow, ParseResult, row_key, task_digest


@dataclass
class RowPlan:
    row: ImportRow
    action: str  # "create" | "update" | "unchanged" | "error"
    task_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    category: Category | None = None


@dataclass
class Staged:
    result: ParseResult
    plans: list[RowPlan]
    documents: dict[str, PolicyDocument | None]
    new_units: list[str]
    tasks: dict[int, Task] = field(default_factory=dict)
    # Units the user mapped to an existing department in the preview: kept as that department's aliases.
    aliases: dict[str, str] = field(default_factory=dict)

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


# Up to this many new rows go through `task_create` one by one; more are inserted in bulk.
BULK_THRESHOLD = 50
BATCH = 500
# Field types whose Python values the database drivers take as they are (no conversion needed).
PLAIN_TYPES = {
    "CharField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BooleanField",
    "ForeignKey",
}


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
    leads = [codes[c] for c in (row.matched.get(x.written) for x in row.lead) if c is not None and c in codes]
    cos = [codes[c] for c in (row.matched.get(x.written) for x in row.co) if c is not None and c in codes]
    leads = list(dict.fromkeys(leads))
    cos = [d for d in dict.fromkeys(cos) if d not in leads]
    return {"leads": leads, "cos": cos}


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


def stage(
    result: ParseResult,
    *,
    document: PolicyDocument | None = None,
    categories: dict[int, str] | None = None,
    mapping: dict[str, str] | None = None,
) -> Staged:
    """Decide per row: create, update (and what changes) or unchanged. Reads only.

    A row finds its task by source key (document + task text + occurrence), else by the same text or the same
    序号 in the same document (the text or the numbering changed). Rows of a file that names no known document —
    such as the ledger's own export, titled "重点任务台账" — find their tasks by exact task text anywhere."""
    all_categories = _categories()
    by_code = {c.code: c for c in all_categories}
    documents: dict[str, PolicyDocument | None] = {}
    for title in dict.fromkeys(r.document for r in result.rows):
        documents[title] = document or PolicyDocument.objects.filter(title=title).order_by("id").first()
    doc_ids = {d.pk for d in documents.values() if d is not None}
    tasks: dict[int, Task] = {}
    if doc_ids:
        tasks.update({t.pk: t for t in Task.objects.filter(document_id__in=doc_ids)})
    orphan_titles = sorted({r.task.strip() for r in result.rows if documents.get(r.document) is None})
    by_text: dict[str, list[Task]] = {}
    for i in range(0, len(orphan_titles), 500):
        for t in Task.objects.filter(title__in=orphan_titles[i : i + 500]).order_by("id"):
            tasks.setdefault(t.pk, t)
            by_text.setdefault(t.title, []).append(t)
    existing: dict[str, Task] = {}
    by_serial: dict[tuple[int, str], list[Task]] = {}
    by_digest: dict[tuple[int, str], list[Task]] = {}
    for t in sorted(tasks.values(), key=lambda t: t.pk):
        if t.source_key:
            existing[t.source_key] = t
        if t.serial:
            by_serial.setdefault((t.document_id, t.serial), []).append(t)
        by_digest.setdefault((t.document_id, task_digest(t.title)), []).append(t)
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
        doc = documents.get(row.document)
        task: Task | None = None
        if doc is not None:
            task = existing.get(row_key(doc.pk, row.task, row.occurrence))
            if task is None or task.pk in claimed:
                candidates = by_digest.get((doc.pk, task_digest(row.task)), []) + by_serial.get(
                    (doc.pk, row.seq), []
                )
                task = next((t for t in candidates if t.pk not in claimed), None)
        else:
            task = next((t for t in by_text.get(row.task.strip(), []) if t.pk not in claimed), None)
        if task is None:
            continue
        claimed.add(task.pk)
        plan.task_id = task.pk
        plan.changes = _changes(row, task, category, *roles.get(task.pk, ([], [])))
        plan.action = "update" if plan.changes else "unchanged"
    new_units = sorted(
        {
            code[len(NEW_UNIT) :]
            for r in result.rows
            for code in r.matched.values()
            if code and code.startswith(NEW_UNIT)
        }
    )
    used = {name for r in result.rows for name in r.matched}
    aliases = {
        name: code
        for name, code in (mapping or {}).items()
        if name in used and code and not code.startswith(NEW_UNIT)
    }
    return Staged(
        result=result, plans=plans, documents=documents, new_units=new_units, tasks=tasks, aliases=aliases
    )


def _new_department_code(taken: set[str]) -> str:
    n = 1
    while f"IMP{n:03d}" in taken:
        n += 1
    taken.add(f"IMP{n:03d}")
    return f"IMP{n:03d}"


def _kind_for(name: str) -> str:
    if re.search(r"(区|县)(人民)?政府$|管委会$", name):
        return Department.Kind.DISTRICT
    return Department.Kind.CITY_DEPARTMENT


def commit(staged: Staged, *, actor: Any, file_name: str = "", source_file: Any = None) -> dict[str, int]:
    """Write every planned row, or none: any refusal rolls the whole import back."""
    result = staged.result
    if not result.ok:
        raise ValidationFailed(
            f"导入文件有 {result.error_count()} 处问题，未保存任何内容。请按提示修改后重新导入。"
        )
    reason = f"按导入文件《{file_name or result.file_name}》更新"
    with transaction.atomic():
        codes: dict[str, Department] = {}
        needed = {c for r in result.rows for c in r.matched.values() if c and not c.startswith(NEW_UNIT)}
        codes.update({d.code: d for d in Department.objects.filter(code__in=needed)})
        taken = set(Department.objects.filter(code__startswith="IMP").values_list("code", flat=True))
        for name in staged.new_units:
            department = org_services.department_create(
                actor=actor, code=_new_department_code(taken), name=name, kind=_kind_for(name)
            )
            codes[NEW_UNIT + name] = department
        for name, code in sorted(staged.aliases.items()):
            mapped = codes.get(code)
            if mapped is not None and name not in mapped.all_names():
                org_services.department_update(
                    actor=actor, department=mapped, aliases=[*mapped.aliases, name]
                )
        documents: dict[str, PolicyDocument] = {}
        needs_document = {p.row.document for p in staged.plans if p.action == "create"}
        for title, doc in staged.documents.items():
            if doc is None and title in needs_document:
                doc = ledger.policy_document_create(
                    actor=actor,
                    title=title[:300],
                    source_file_name=file_name or result.file_name,
                    source_file=source_file,
                )
            if doc is not None:
                documents[title] = doc
                staged.documents[title] = doc
        tasks = staged.tasks
        creates = [
            (order, plan) for order, plan in enumerate(staged.plans, start=1) if plan.action == "create"
        ]
        _create_tasks(
            creates, actor=actor, documents=documents, codes=codes, file_name=file_name or result.file_name
        )
        for plan in staged.plans:
            if plan.action != "update":
                continue
            row = plan.row
            who = _desired(plan, codes)
            task = tasks[plan.task_id]  # type: ignore[index]
            changes = dict(plan.changes)
            if "lead_codes" in changes:
                changes.pop("lead_codes")
                changes["lead_departments"] = who["leads"]
                changes["primary_lead"] = who["leads"][0]
            if "co_codes" in changes:
                changes.pop("co_codes")
                changes["co_departments"] = who["cos"]
            try:
                ledger.task_adjust(actor=actor, task=task, reason=reason, changes=changes)
            except ApplicationError as exc:
                raise ValidationFailed(f"{row.table}第{row.row}行对应的任务不能更新：{exc.message}") from exc
        counts = staged.counts
        audit_record(
            actor=actor,
            action="ledger.import",
            object_type="ledger.policydocument",
            object_id=",".join(str(d.pk) for d in documents.values()),
            after={"file": file_name or result.file_name, "rows": len(result.rows), **counts},
            detail=f"导入任务分工方案《{file_name or result.file_name}》",
        )
    return counts


def _create_tasks(
    creates: list[tuple[int, RowPlan]],
    *,
    actor: Any,
    documents: dict[str, PolicyDocument],
    codes: dict[str, Department],
    file_name: str,
) -> None:
    """Create many tasks the way `ledger.services.task_create` creates one — same fields, the same department
    plan check, field validation, warning thresholds, a "任务建立" timeline line per task — but with bulk
    inserts and one audit record for the batch, so 10,000 rows commit in seconds. Up to BULK_THRESHOLD rows
    go through `task_create` itself."""
    if len(creates) <= BULK_THRESHOLD:
        _create_tasks_one_by_one(creates, actor=actor, documents=documents, codes=codes)
        return
    from .. import warnings as w
    from .. import workflow as wf

    rules = w.Rules.current()
    default_cycle = str(get_setting("ledger_default_cycle"))
    today = timezone.localdate()
    # Only the fields that come from the file need checking; ids are known to exist.
    measure_skip = _all_fields_but(Measure, {"title", "serial"})
    measures: dict[tuple[int, str], Measure] = {}
    row_measures: list[Measure] = []
    new_measures: list[Measure] = []
    for order, plan in creates:
        row = plan.row
        doc = documents[row.document]
        key = (doc.pk, row.measure) if row.measure else None
        measure = measures.get(key) if key else None
        if measure is None:
            measure = Measure(
                document_id=doc.pk,
                title=(row.measure or row.task).strip(),
                serial=row.seq,
                category_id=plan.category.pk if plan.category else None,
                sort_order=order,
            )
            _clean(measure, exclude=measure_skip, where=row)
            new_measures.append(measure)
            if key:
                measures[key] = measure
        row_measures.append(measure)
    doc_ids = sorted({m.document_id for m in new_measures})
    before = Measure.objects.order_by("-id").values_list("id", flat=True).first() or 0
    measure_fields = [f for f in Measure._meta.concrete_fields if not f.primary_key]
    _insert_rows(
        Measure,
        [f.name for f in measure_fields],
        [tuple(f.pre_save(m, True) for f in measure_fields) for m in new_measures],
    )
    # Ids of the rows just written: new ids in these documents, told apart by their sort order (the row's
    # position in this file, unique within it).
    inserted: dict[tuple[int, int], int] = {}
    for pk, document_id, sort_order in Measure.objects.filter(
        document_id__in=doc_ids, id__gt=before
    ).values_list("id", "document_id", "sort_order"):
        if (document_id, sort_order) in inserted:
            raise ConcurrentChange("同一政策文件正在被另一次导入写入，本次未保存任何内容，请稍后重试。")
        inserted[(document_id, sort_order)] = pk
    for m in new_measures:
        m.pk = inserted[(m.document_id, m.sort_order)]
    # Task rows are built as plain values (no model instances): the ORM's per-object work is most of the
    # cost at 10,000 rows. The values are those task_create would save; the parser has already checked
    # what comes from the file (text present, 序号 length, a deadline or ongoing, departments exist).
    fields = [f.name for f in Task._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.name: f.get_default() for f in Task._meta.concrete_fields if not f.primary_key}
    defaults["created_at"] = now
    text_limit = Task._meta.get_field("deadline_text").max_length or 100
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    plans: list[list[tuple[Department, str, bool]]] = []
    for (order, plan), measure in zip(creates, row_measures, strict=True):
        row = plan.row
        who = _desired(plan, codes)
        primary, department_plan = ledger._departments_plan(who["leads"], None, who["cos"])
        ongoing = row.deadline.ongoing
        deadline = None if ongoing else row.deadline.date
        cycle = row.deadline.cycle or default_cycle
        source_key = row_key(measure.document_id, row.task, row.occurrence)
        t = w.thresholds(
            state=wf.NOT_STARTED,
            deadline=deadline,
            ongoing=ongoing,
            cycle=cycle,
            start_date=today,
            last_period=None,
            rules=rules,
        )
        values = dict(defaults)
        values.update(
            measure=measure.pk,
            document=measure.document_id,
            category=plan.category.pk if plan.category else measure.category_id,
            serial=row.seq,
            title=row.task.strip(),
            primary_lead=primary.pk,
            deadline=deadline,
            deadline_text=row.deadline.text.strip()[:text_limit],
            ongoing=ongoing,
            cycle=cycle,
            start_date=today,
            source_key=source_key,
            sort_order=order,
            state=wf.NOT_STARTED,
            yellow_at=t.yellow_at,
            red_at=t.red_at,
            missing_at=t.missing_at,
        )
        rows.append(tuple(values[f] for f in fields))
        keys.append(source_key)
        plans.append(department_plan)
    tasks_before = Task.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with transaction.atomic():
            _insert_rows(Task, fields, rows)
    except IntegrityError as exc:
        raise ValidationFailed("导入的任务与已有任务的来源标识重复，请刷新预览后重试。") from exc
    ids: dict[str, int] = {
        str(found_key): found_id
        for found_key, found_id in Task.objects.filter(
            document_id__in=doc_ids, id__gt=tasks_before
        ).values_list("source_key", "id")
    }
    task_ids = [ids[k] for k in keys]
    _insert_rows(
        TaskDepartment,
        ["task", "department", "role", "is_primary", "sort_order"],
        [
            (task_id, department.pk, role, is_primary, i)
            for task_id, department_plan in zip(task_ids, plans, strict=True)
            for i, (department, role, is_primary) in enumerate(department_plan)
        ],
    )
    _timeline_created(task_ids, actor=actor, file_name=file_name, state=wf.NOT_STARTED)
    # One audit record for the batch (the import's own record names the file and the counts).
    audit_record(
        actor=actor,
        action="task.create_many",
        object_type="ledger.task",
        object_id=f"{task_ids[0]}-{task_ids[-1]}" if task_ids else "",
        after={"count": len(task_ids), "ids": task_ids},
        detail=f"导入《{file_name}》新建任务 {len(task_ids)} 条",
    )


def _all_fields_but(model: Any, keep: set[str]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in keep]


def _insert_rows(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs (hundreds of rows per statement) for rows whose ids are looked up afterwards or
    not needed: the ORM's per-object work is most of the cost of a 10,000-row import. Values go through each
    field's own database conversion where the driver cannot take them as they are, so SQLite and PostgreSQL
    get what the ORM would send."""
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    if not rows:
        return
    opts = model._meta
    columns = [opts.get_field(f) for f in fields]
    plain = [c.get_internal_type() in PLAIN_TYPES for c in columns]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(opts.db_table), ", ".join(quote(c.column) for c in columns)
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, min(500, 30000 // len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; psycopg adapts each value as it would a query parameter.
            statement = "COPY {} ({}) FROM STDIN".format(
                quote(opts.db_table), ", ".join(quote(c.column) for c in columns)
            )
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            v if simple else c.get_db_prep_save(v, connection)
                            for c, v, simple in zip(columns, row, plain, strict=True)
                        ]
                    )
            return
        for i in range(0, len(rows), per_statement):
            chunk = rows[i : i + per_statement]
            params: list[Any] = []
            for row in chunk:
                params.extend(
                    v if simple else c.get_db_prep_save(v, connection)
                    for c, v, simple in zip(columns, row, plain, strict=True)
                )
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def _timeline_created(task_ids: list[int], *, actor: Any, file_name: str, state: str) -> None:
    """The "任务建立" timeline line of each new task, as `core.events.record_timeline` writes it, inserted in
    bulk. (To move into core.events as `record_timeline_many`.)"""
    from django.contrib.contenttypes.models import ContentType

    from yingshang.core.models import TimelineEntry

    content_type = ContentType.objects.get_for_model(Task, for_concrete_model=False)
    who = actor.pk if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    _insert_rows(
        TimelineEntry,
        [
            "content_type",
            "object_id",
            "at",
            "actor",
            "action",
            "label",
            "from_state",
            "to_state",
            "note",
            "data",
        ],
        [
            (
                content_type.pk,
                task_id,
                now,
                who,
                "create",
                "任务建立",
                "",
                state,
                "",
                {"file": file_name},
            )
            for task_id in task_ids
        ],
    )


def _create_tasks_one_by_one(
    creates: list[tuple[int, RowPlan]],
    *,
    actor: Any,
    documents: dict[str, PolicyDocument],
    codes: dict[str, Department],
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
        )


def _clean(obj: Any, *, exclude: list[str], where: ImportRow) -> None:
    try:
        obj.clean_fields(exclude=exclude)
        obj.clean()
    except DjangoValidationError as exc:
        fields = validation_error_fields(exc)
        detail = "；".join(
            f"{obj._meta.get_field(k).verbose_name if k != '__all__' else ''}{'、'.join(v)}"
            for k, v in fields.items()
        )
        raise ValidationFailed(f"{where.table}第{where.row}行：{detail}", fields=fields) from exc
