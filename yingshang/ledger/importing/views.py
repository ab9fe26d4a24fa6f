"""Import pages (营商办 only): upload → preview (units, matches, deadlines, categories, errors) → map or create
unknown units, assign categories → commit all rows or none. Thin: every rule lives in services/parser/commit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from yingshang.core import staging as core_staging
from yingshang.core.errors import ApplicationError, NotFound, ValidationFailed
from yingshang.core.http import AuthedRequest
from yingshang.core.office_settings import get_setting
from yingshang.core.staging import StagedImportGone
from yingshang.org import services as org_services
from yingshang.org.models import Department

from .. import permissions as perms
from ..models import Category, PolicyDocument
from . import readers, staging
from .commit import HISTORICAL, describe_changes
from .deadlines import CYCLES
from .parser import NEW_UNIT
from .services import ImportOutcome, ledger_import, parse_file

PREVIEW_PAGE_SIZE = 100
ATTACHABLE = {".xlsx", ".xls", ".docx"}  # the source file is kept with a new policy document
ACTION_LABELS = {"create": "新建", "update": "更新", "unchanged": "不变", "error": "有误"}


def _require_office(request: AuthedRequest) -> None:
    if not perms.can_manage_ledger(request.user):
        raise PermissionDenied


def _redirect(request: AuthedRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    documents = PolicyDocument.objects.order_by("-id").only("id", "title")[:200]
    ctx: dict[str, Any] = {
        "documents": documents,
        "max_mb": int(get_setting("ledger_import_max_mb")),
        "error": "",
        "values": request.POST if request.method == "POST" else {},
        "open_previews": core_staging.open_for_owner(actor=request.user, kind=staging.KIND),
        "units_outside_assessment": Department.objects.filter(is_active=True, in_assessment=False)
        .exclude(kind=Department.Kind.OFFICE)
        .order_by("sort_order", "code")
        .only("pk", "name", "kind"),
    }
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        file_name = str(getattr(uploaded, "name", "") or "")
        year = _int(request.POST.get("year"))
        document_id = _int(request.POST.get("document"))
        if uploaded is None:
            ctx["error"] = "请选择要导入的任务分工方案文件。"
        elif request.POST.get("year") and not (year is not None and 2000 <= year <= 2100):
            ctx["error"] = "方案年份应为 2000—2100 之间的四位数字。"
        elif document_id is not None and not PolicyDocument.objects.filter(pk=document_id).exists():
            ctx["error"] = "所选政策文件不存在。"
        else:
            limit = int(get_setting("ledger_import_max_mb")) * 1024 * 1024
            if (uploaded.size or 0) > limit:  # before reading it into memory
                ctx["error"] = f"文件“{file_name}”超过 {limit // (1024 * 1024)} MB 的上限，请拆分后分批导入。"
            else:
                data = uploaded.read()
                try:
                    ext = readers.check_file(file_name, data, max_bytes=limit)
                    result = parse_file(name=file_name, data=data, year=year)
                except ApplicationError as exc:
                    ctx["error"] = exc.message
                else:
                    staged = staging.stage_upload(
                        actor=request.user,
                        name=file_name,
                        ext=readers.extension(file_name) or ext,
                        data=data,
                        result=result,
                        year=year,
                        document_id=document_id,
                    )
                    return _redirect(request, reverse("ledger:import_preview", args=[staged.token]))
    if getattr(request, "htmx", False):
        # htmx swaps only successful responses: the form with its message comes back as 200.
        return render(request, "ledger/import/upload.html#form", ctx)
    return render(request, "ledger/import/upload.html", ctx, status=422 if ctx["error"] else 200)


@login_required
@require_POST
def include_unit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Include in assessment a unit that an import created (until then it is never ranked)."""
    _require_office(request)
    department = Department.objects.filter(pk=pk, is_active=True, in_assessment=False).first()
    if department is None:
        raise Http404
    org_services.department_set_in_assessment(actor=request.user, department=department, included=True)
    messages.success(request, f"“{department.name}”已纳入考核，下次计算考核时参与排名。")
    return _redirect(request, reverse("ledger:import_upload"))


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _with_staged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Office only; the token must name the user's own open preview (any session of the same user): someone
    else's is a 404, an expired or already imported one sends the user back to the upload with why."""

    @wraps(view)
    def wrapper(request: AuthedRequest, token: str) -> HttpResponse:
        _require_office(request)
        try:
            staged = staging.load(request.user, token)
        except NotFound as exc:
            raise Http404 from exc
        except StagedImportGone as exc:
            messages.warning(request, exc.message)
            return _redirect(request, reverse("ledger:import_upload"))
        return view(request, staged)

    return wrapper


def _outcome(
    staged: staging.Staging,
    *,
    actor: Any = None,
    dry_run: bool = True,
    source_file: Any = None,
    expected_digest: str | None = None,
) -> ImportOutcome:
    parsed = staged.read_parse()
    document = PolicyDocument.objects.filter(pk=staged.document_id).first() if staged.document_id else None
    categories = dict(staged.categories)
    if staged.default_category and parsed is not None:
        for i, row in enumerate(parsed.rows):
            if i not in categories and not row.category:
                categories[i] = staged.default_category
    return ledger_import(
        actor=actor,
        name=staged.name,
        data=b"" if parsed is not None else staged.read_file(),
        year=staged.year,
        dry_run=dry_run,
        mapping=staged.mapping,
        categories=categories,
        document=document,
        parsed=parsed,
        source_file=source_file,
        expected_digest=expected_digest,
        historical=staged.historical,
    )


@login_required
@require_http_methods(["GET"])
@_with_staged
def preview(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    return _render_preview(request, staged, _outcome(staged))


KIND_LABELS = {
    "seq": "序号",
    "category": "类别",
    "measure": "重点任务",
    "task": "任务/具体措施",
    "lead": "牵头单位",
    "co": "配合单位",
    "responsible": "责任单位",
    "deadline": "完成时限",
    "document": "来源文件",
}


def _readings(result: Any) -> list[dict[str, Any]]:
    """Per task table, which column was read as what and how; shown when a header did not name every column."""
    readings = []
    for reading in getattr(result, "readings", []):
        where = f"工作表“{reading['sheet']}”" if "sheet" in reading else f"表格{reading['table']}"
        used = [
            (label, reading[kind], reading["by"].get(kind) != "name", kind in reading["unsure"])
            for kind, label in KIND_LABELS.items()
            if kind in reading
        ]
        readings.append({"where": where, "used": used, "guessed": any(g for _l, _c, g, _u in used)})
    return readings


def _render_preview(
    request: AuthedRequest, staged: staging.Staging, outcome: ImportOutcome, error: str = ""
) -> HttpResponse:
    result = outcome.result
    plans = outcome.staged.plans if outcome.staged else []
    only_errors = request.GET.get("only") == "errors"
    indexed = [(i, p) for i, p in enumerate(plans) if not only_errors or p.action == "error"]
    page = Paginator(indexed, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "id"))
    changes = (
        describe_changes(outcome.staged, [plan for _i, plan in page.object_list]) if outcome.staged else {}
    )
    rows = []
    for i, plan in page.object_list:
        row = plan.row
        rows.append(
            {
                "index": i,
                "row": row,
                "action": plan.action,
                "action_label": ACTION_LABELS[plan.action],
                "changes": changes.get(id(plan), []),
                "category": plan.category,
                "chosen": staged.categories.get(i, ""),
                "cycle": CYCLES.get(row.deadline.cycle, ""),
                "past_due": plan.past_due,
                "leads": [(u.written, row.matched.get(u.written)) for u in row.lead],
                "cos": [(u.written, row.matched.get(u.written)) for u in row.co],
            }
        )
    unknown_rows: dict[str, list[int]] = {}
    for plan in plans:
        for name, code in plan.row.matched.items():
            if code is None:
                unknown_rows.setdefault(name, []).append(plan.row.row)
    ctx = {
        "staged": staged,
        "result": result,
        "outcome": outcome,
        "rows": rows,
        "page": page,
        "only_errors": only_errors,
        "counts": outcome.counts,
        "digest": outcome.staged.digest if outcome.staged else "",
        "error_count": result.error_count(),
        "readings": _readings(result),
        "unknown": [(name, unknown_rows.get(name, [])[:10]) for name in result.unknown_units],
        "created_units": [
            (name, target.removeprefix(NEW_UNIT))
            for name, target in staged.mapping.items()
            if target.startswith(NEW_UNIT)
        ],
        "kinds": Department.Kind.choices,
        "untyped_units": outcome.staged.untyped_units if outcome.staged else [],
        "past_due_count": outcome.staged.past_due_count if outcome.staged else 0,
        "historical_choices": list(HISTORICAL.items()),
        "departments": Department.objects.filter(is_active=True)
        .order_by("sort_order", "code")
        .only("code", "name", "short_name"),
        "categories": categories,
        "document": PolicyDocument.objects.filter(pk=staged.document_id).first()
        if staged.document_id
        else None,
        "titles": sorted(outcome.staged.documents) if outcome.staged else [],
        "error": error,
        "can_commit": result.ok
        and bool(result.rows)
        and not (outcome.staged and outcome.staged.untyped_units),
    }
    template = (
        "ledger/import/preview.html#body" if getattr(request, "htmx", False) else "ledger/import/preview.html"
    )
    return render(request, template, ctx)


@login_required
@require_POST
@_with_staged
def map_unit(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    """Unit mapping on the preview, one unit or all at once: map an unknown unit to an existing department
    (typed by name in a type-ahead box), create it as a new unit of a chosen type, create every unknown unit
    as new, set the type of every unit this import creates, or undo a choice."""
    action = request.POST.get("action", "one")
    kind = request.POST.get("kind", "")
    if kind and kind not in Department.Kind.values:
        raise Http404
    if action == "create_all":
        outcome = _outcome(staged)
        staged.create_as_new(outcome.result.unknown_units, kind=kind)
    elif action == "set_kind":
        staged.set_new_unit_kind(kind)
    else:
        unit = request.POST.get("unit", "").strip()
        target = request.POST.get("target", "").strip()
        if not unit:
            raise Http404
        if target == "new":
            staged.create_as_new([unit], kind=kind)
        elif target:
            department = _department_named(target)
            if department is None:
                return _render_preview(
                    request,
                    staged,
                    _outcome(staged),
                    error=f"单位库中没有“{target}”，请从候选中选择，或新建该单位。",
                )
            staged.mapping[unit] = department.code
        else:
            staged.mapping.pop(unit, None)
    staging.save(staged)
    return _back_to_preview(request, staged)


def _department_named(text: str) -> Department | None:
    """The active department a type-ahead box names: by full name (the option's value), short name or code."""
    active = Department.objects.filter(is_active=True)
    return (
        active.filter(name=text).first()
        or active.filter(code=text).first()
        or (active.filter(short_name=text).first() if active.filter(short_name=text).count() == 1 else None)
    )


@login_required
@require_POST
@_with_staged
def choose_history(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    """What new tasks whose deadline has already passed become: ordinary tasks, or history (done, or outside
    assessment)."""
    choice = request.POST.get("historical", "")
    if choice not in HISTORICAL:
        raise Http404
    staged.historical = choice
    staging.save(staged)
    return _back_to_preview(request, staged)


@login_required
@require_POST
@_with_staged
def assign_categories(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    """Categories for rows the file leaves without one: one for all such rows, or row by row."""
    codes = set(Category.objects.filter(is_active=True).values_list("code", flat=True))
    default = request.POST.get("default_category", None)
    if default is not None:
        staged.default_category = default if default in codes else ""
    for key, value in request.POST.items():
        if key.startswith("category_"):
            index = _int(key.removeprefix("category_"))
            if index is None:
                continue
            if isinstance(value, str) and value in codes:
                staged.categories[index] = value
            else:
                staged.categories.pop(index, None)
    staging.save(staged)
    return _back_to_preview(request, staged)


def _back_to_preview(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    url = reverse("ledger:import_preview", args=[staged.token])
    query = request.POST.get("return_query", "")
    return _redirect(request, f"{url}?{query}" if query else url)


@login_required
@require_POST
@_with_staged
def commit(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    source_file = None
    if staged.document_id is None and staged.ext in ATTACHABLE:
        source_file = SimpleUploadedFile(staged.name, staged.read_file())
    try:
        with staging.consume(request.user, staged):
            outcome = _outcome(
                staged,
                actor=request.user,
                dry_run=False,
                source_file=source_file,
                expected_digest=request.POST.get("digest", ""),
            )
            if not outcome.committed:
                raise ValidationFailed(
                    f"导入文件有 {outcome.result.error_count()} 处问题，未保存任何内容。请按提示处理后再确认导入。",
                    code="ledger.import_rows_invalid",
                )
    except StagedImportGone as exc:
        messages.warning(request, exc.message)
        return _redirect(request, reverse("ledger:import_upload"))
    except ApplicationError as exc:
        return _render_preview(request, staged, _outcome(staged), error=exc.message)
    counts = outcome.counts
    messages.success(
        request,
        f"《{staged.name}》已导入：新建 {counts['created']} 条，更新 {counts['updated']} 条，未变 {counts['unchanged']} 条。",
    )
    documents = {d.pk for d in (outcome.staged.documents.values() if outcome.staged else []) if d is not None}
    if len(documents) == 1:
        return _redirect(request, reverse("ledger:document", args=[documents.pop()]))
    return _redirect(request, reverse("ledger:documents"))


@login_required
@require_POST
@_with_staged
def cancel(request: AuthedRequest, staged: staging.Staging) -> HttpResponse:
    staging.drop(staged)
    messages.info(request, f"已放弃导入《{staged.name}》，未保存任何内容。")
    return _redirect(request, reverse("ledger:import_upload"))
