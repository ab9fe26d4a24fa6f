"""Import of departments and accounts from .xlsx: read, check every row against the file and the
database, report row by row, and only then commit everything in one transaction (or nothing)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from yingshang.audit.events import record as audit_record
from yingshang.core.actors import Actor
from yingshang.core.errors import ValidationFailed
from yingshang.core.uploads import check_archive

from . import roles as r
from . import services
from .models import Department, User


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    example: str
    help: str = ""


DEPARTMENT_COLUMNS = [
    Column("code", "单位编码", True, "SCJ-ZF", "唯一，字母数字"),
    Column("name", "单位全称", True, "示例市市场监督管理局执法支队", "唯一"),
    Column("short_name", "简称", False, "市场监管执法支队"),
    Column("aliases", "别名", False, "执法支队、市场监管支队", "多个以顿号或逗号分隔"),
    Column("kind", "类型", False, "下属单位", "市直部门 / 区县 / 下属单位 / 营商办 / 其他单位"),
    Column("parent", "上级单位编码", False, "SCJ", "已有单位或本文件中的单位编码"),
    Column("sort_order", "排序", False, "100", "整数"),
]
USER_COLUMNS = [
    Column("username", "账号", True, "zhangsan", "唯一，字母、数字及 @.+-_"),
    Column("real_name", "姓名", True, "张三"),
    Column("mobile", "手机号", False, "13800138000", "11位"),
    Column("email", "邮箱", False, "zhangsan@example.gov.cn"),
    Column("department", "所属单位编码", False, "SCJ", "已有单位的编码"),
    Column("roles", "角色", False, "部门联络员", "多个以顿号或逗号分隔；由安全管理员确认后生效"),
]
KINDS = {"department": DEPARTMENT_COLUMNS, "user": USER_COLUMNS}
TITLES = {"department": "单位导入", "user": "账号导入"}
SPLIT = re.compile(r"[、,，;；\s]+")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number; 0 for the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


@dataclass
class ImportResult:
    created: list[Any]


def template_workbook(kind: str) -> bytes:
    """The blank template: header row, one example row, and a sheet explaining each column."""
    columns = KINDS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = TITLES[kind]
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    ws.append([c.example for c in columns])
    for i, _ in enumerate(columns):
        ws.column_dimensions[chr(ord("A") + i)].width = 22
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for c in columns:
        notes.append([c.header, "必填" if c.required else "选填", c.help])
    notes.append([])
    notes.append(["第2行为示例，导入前请删除或改为实际内容。"])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(kind: str, content: bytes, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column key: text}) for each non-empty data row; file-level problems go to `report`."""
    columns = KINDS[kind]
    try:
        check_archive("上传的文件", content)
    except ValidationFailed as exc:
        report.error(0, "", exc.message)
        return []
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, Exception):  # openpyxl raises many kinds
        report.error(0, "", "无法读取该文件，请上传由模板填写的 .xlsx 文件。")
        return []
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {_text(h): i for i, h in enumerate(header) if _text(h)}
    missing = [c.header for c in columns if c.required and c.header not in positions]
    if missing:
        report.error(0, "", f"缺少必需的列：{'、'.join(missing)}。请使用导入模板。")
        return []
    out = []
    for number, values in enumerate(rows, start=2):
        record = {
            c.key: _text(values[positions[c.header]])
            if c.header in positions and positions[c.header] < len(values)
            else ""
            for c in columns
        }
        if any(record.values()):
            out.append((number, record))
        if len(out) > MAX_ROWS:
            report.error(0, "", f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
            return []
    wb.close()
    if not out:
        report.error(0, "", "文件中没有数据行。")
    return out


KIND_BY_LABEL = {label: value for value, label in Department.Kind.choices} | {
    value: value for value in Department.Kind.values
}


def check_departments(content: bytes) -> ImportReport:
    report = ImportReport("department")
    rows = read_rows("department", content, report)
    existing_codes = set(Department.objects.values_list("code", flat=True))
    existing_names = set(Department.objects.values_list("name", flat=True))
    file_codes: dict[str, int] = {}
    file_names: dict[str, int] = {}
    for number, row in rows:
        for key in ("code", "name"):
            if not row[key]:
                report.error(number, _header("department", key), "必填。")
        if row["code"]:
            _check_department_code(report, number, row["code"], file_codes, existing_codes)
        if row["name"]:
            _check_department_name(report, number, row["name"], file_names, existing_names)
        report.rows.append(_department_row(report, number, row))
    for item in report.rows:
        parent = item["parent"]
        if parent and parent not in existing_codes and parent not in file_codes:
            report.error(item["row"], "上级单位编码", f"上级单位“{parent}”不存在。")
        elif parent and parent == item["code"]:
            report.error(item["row"], "上级单位编码", "上级单位不能是本单位。")
    _check_cycles(report, file_codes)
    report.errors.sort(key=lambda e: (e.row, e.column))
    return report


def _check_department_code(
    report: ImportReport, number: int, code: str, file_codes: dict[str, int], existing: set[str]
) -> None:
    duplicate, taken = "与第 {} 行的编码“{}”重复。", "编码“{}”已存在。"
    _check_unique(report, number, "单位编码", code, file_codes, existing, duplicate, taken)
    if len(code) > 32 or not re.fullmatch(r"[A-Za-z0-9_\-]+", code):
        report.error(number, "单位编码", "编码只能使用字母、数字、-、_，不超过32位。")


def _check_department_name(
    report: ImportReport, number: int, name: str, file_names: dict[str, int], existing: set[str]
) -> None:
    duplicate, taken = "与第 {} 行的名称“{}”重复。", "单位“{}”已存在。"
    _check_unique(report, number, "单位全称", name, file_names, existing, duplicate, taken)
    if len(name) > 100:
        report.error(number, "单位全称", "不超过100字。")


def _check_unique(
    report: ImportReport,
    number: int,
    column: str,
    value: str,
    in_file: dict[str, int],
    existing: set[str],
    duplicate: str,
    taken: str,
) -> None:
    """A value used by an earlier row of the file, or already in the database, is an error of this row."""
    if value in in_file:
        report.error(number, column, duplicate.format(in_file[value], value))
    elif value in existing:
        report.error(number, column, taken.format(value))
    in_file.setdefault(value, number)


def _department_row(report: ImportReport, number: int, row: dict[str, str]) -> dict[str, Any]:
    """The row as the commit step wants it, after checking the columns that need no other row."""
    if len(row["short_name"]) > 50:
        report.error(number, "简称", "不超过50字。")
    kind = row["kind"] or Department.Kind.CITY_DEPARTMENT.label
    if kind not in KIND_BY_LABEL:
        report.error(number, "类型", f"未知类型“{kind}”。")
    sort_order = row["sort_order"] or "0"
    if not sort_order.isdigit():
        report.error(number, "排序", "应为非负整数。")
    return {
        "row": number,
        "code": row["code"],
        "name": row["name"],
        "short_name": row["short_name"],
        "aliases": [a for a in SPLIT.split(row["aliases"]) if a],
        "kind": KIND_BY_LABEL.get(kind, ""),
        "parent": row["parent"],
        "sort_order": int(sort_order) if sort_order.isdigit() else 0,
    }


def _check_cycles(report: ImportReport, file_codes: dict[str, int]) -> None:
    parent_of = {i["code"]: i["parent"] for i in report.rows if i["code"]}
    for item in report.rows:
        seen = {item["code"]}
        current = item["parent"]
        while current and current in parent_of and current != item["code"]:
            if current in seen:
                break
            seen.add(current)
            current = parent_of[current]
        if current and current == item["code"] and item["parent"] != item["code"]:
            report.error(item["row"], "上级单位编码", "上级单位相互引用，形成循环。")


def _header(kind: str, key: str) -> str:
    return next(c.header for c in KINDS[kind] if c.key == key)


ROLE_BY_NAME = {label: code for code, label in r.ROLE_LABELS.items()} | {code: code for code in r.ROLE_BITS}


def check_users(content: bytes) -> ImportReport:
    report = ImportReport("user")
    rows = read_rows("user", content, report)
    existing = {u.lower() for u in User.objects.values_list("username", flat=True)}
    departments = {d.code: d for d in Department.objects.all()}
    seen: dict[str, int] = {}
    for number, row in rows:
        username = row["username"]
        if username:
            _check_username(report, number, username, seen, existing)
        else:
            report.error(number, "账号", "必填。")
        if not row["real_name"]:
            report.error(number, "姓名", "必填。")
        mobile = "".join(row["mobile"].split())
        if services.mobile_error(mobile):
            report.error(number, "手机号", f"手机号“{row['mobile']}”无效，应为11位数字，以1开头。")
        if not (mobile or row["email"]):
            report.error(number, "手机号", "须填写本人的手机号或邮箱：设置密码的链接只发给本人。")
        department = departments.get(row["department"]) if row["department"] else None
        if row["department"] and department is None:
            report.error(number, "所属单位编码", f"单位“{row['department']}”不存在。")
        elif department is not None and not department.is_active:
            report.error(number, "所属单位编码", f"单位“{row['department']}”已停用。")
        codes = _check_roles(report, number, row["roles"], department)
        report.rows.append(
            {
                "row": number,
                "username": username,
                "real_name": row["real_name"],
                "mobile": mobile,
                "email": row["email"],
                "department": department,
                "roles": sorted(codes),
                "role_labels": [r.ROLE_LABELS[c] for c in sorted(codes)],
            }
        )
    report.errors.sort(key=lambda e: (e.row, e.column))
    return report


def _check_username(
    report: ImportReport, number: int, username: str, seen: dict[str, int], existing: set[str]
) -> None:
    try:
        UnicodeUsernameValidator()(username)
        if len(username) > 150:
            raise ValidationError("too long")
    except ValidationError:
        report.error(number, "账号", "账号只能包含字母、数字及 @.+-_，不超过150位。")
    if username.lower() in seen:
        report.error(number, "账号", f"与第 {seen[username.lower()]} 行的账号“{username}”重复。")
    elif username.lower() in existing:
        report.error(number, "账号", f"账号“{username}”已存在。")
    seen.setdefault(username.lower(), number)


def _check_roles(report: ImportReport, number: int, text: str, department: Department | None) -> set[str]:
    """The role codes the cell names; unknown names and forbidden combinations are reported."""
    names = [n for n in SPLIT.split(text) if n]
    unknown = [n for n in names if n not in ROLE_BY_NAME]
    codes = {ROLE_BY_NAME[n] for n in names if n in ROLE_BY_NAME}
    if unknown:
        report.error(number, "角色", f"未知角色“{'、'.join(unknown)}”。")
    elif codes & r.ADMIN_DUTIES and len(codes) > 1:
        report.error(number, "角色", "系统管理员、安全管理员、审计管理员须分设账号，且不得兼任其他角色。")
    if codes & r.DEPARTMENT_ROLES and department is None and not unknown:
        report.error(number, "所属单位编码", "部门联络员、部门负责人须填写所属单位。")
    return codes


def check(kind: str, content: bytes) -> ImportReport:
    return check_departments(content) if kind == "department" else check_users(content)


@transaction.atomic
def commit(
    kind: str, content: bytes, *, actor: Actor, filename: str = ""
) -> tuple[ImportReport, ImportResult]:
    """Check again and create every row, or nothing: any problem raises ValidationFailed."""
    report = check(kind, content)
    if not report.ok:
        raise ValidationFailed(
            f"导入文件有 {len(report.errors)} 处问题，未导入任何数据。", code="org.import_has_errors"
        )
    if kind == "department":
        result = ImportResult(created=_create_departments(report.rows, actor=actor))
    else:
        result = _create_users(report.rows, actor=actor)
    audit_record(
        actor=actor,
        action=f"{kind}.import",
        after={"rows": len(result.created), "file": filename[:200]},
        detail=f"{TITLES[kind]}：{len(result.created)} 条",
    )
    return report, result


def _create_departments(rows: Iterable[dict[str, Any]], *, actor: Actor) -> list[Department]:
    pending = list(rows)
    known = {d.code: d for d in Department.objects.all()}
    created: list[Department] = []
    while pending:
        ready = [i for i in pending if not i["parent"] or i["parent"] in known]
        if not ready:  # unreachable after check(): cycles are reported there
            raise ValidationFailed("上级单位相互引用，未导入任何数据。", code="org.import_parent_cycle")
        for item in ready:
            department = services.department_create(
                actor=actor,
                code=item["code"],
                name=item["name"],
                short_name=item["short_name"],
                aliases=item["aliases"],
                kind=item["kind"],
                parent=known.get(item["parent"]) if item["parent"] else None,
                sort_order=item["sort_order"],
            )
            known[department.code] = department
            created.append(department)
            pending.remove(item)
    return created


def _create_users(rows: Iterable[dict[str, Any]], *, actor: Actor) -> ImportResult:
    """Each account's holder gets a one-time link to set the first password; nobody running the import
    sees a password."""
    result = ImportResult(created=[])
    for item in rows:
        result.created.append(
            services.account_open(
                actor=actor,
                username=item["username"],
                real_name=item["real_name"],
                mobile=item["mobile"],
                email=item["email"],
                department=item["department"],
                pending_roles=frozenset(item["roles"]),
            )
        )
    return result
