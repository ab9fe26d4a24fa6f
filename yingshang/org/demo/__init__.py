"""Demo city 示例市: about 40 real-style departments and one account per role. Apps add their own demo
content in a `demo.py` module with `seed(ctx)`; `seed_demo` calls them in INSTALLED_APPS order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import roles as r
from .. import services
from ..models import Department

DEMO_PASSWORD = "Yingshang@2026"

# The demo city's departments, districts and sub-units (code, name, short name, aliases[, parent code]).
_DEPARTMENTS = json.loads((Path(__file__).parent / "departments.json").read_text(encoding="utf-8"))
CITY_DEPARTMENTS: list[list] = _DEPARTMENTS["city_departments"]
DISTRICTS: list[list] = _DEPARTMENTS["districts"]
SUB_UNITS: list[list] = _DEPARTMENTS["sub_units"]

ACCOUNTS = [
    ("office", "王晓梅", {r.OFFICE}, "YSB"),
    ("liaison", "李建国", {r.LIAISON}, "SCJ"),
    ("dept_head", "张卫东", {r.DEPT_HEAD}, "SCJ"),
    ("liaison_zj", "陈志强", {r.LIAISON}, "ZJJ"),
    ("liaison_sp", "刘芳", {r.LIAISON}, "XZSP"),
    ("inspector", "赵明", {r.INSPECTOR}, "YSB"),
    ("discipline", "孙立", {r.DISCIPLINE}, "JW"),
    ("leader", "周市长", {r.LEADER}, "SZF"),
    ("enterprise", "示例科技有限公司经办人", {r.ENTERPRISE}, None),
    ("sysadmin", "系统管理员", {r.SYSADMIN}, "SJZ"),
    ("secadmin", "安全管理员", {r.SECADMIN}, "SJZ"),
    ("auditor", "审计管理员", {r.AUDITOR}, "SJZ"),
]


def seed(ctx: dict[str, Any]) -> None:
    kinds = Department.Kind
    rows: list[tuple[str, str, str, list[str], str | None, str]] = [
        (*row, None, kinds.OFFICE if row[0] == "YSB" else kinds.CITY_DEPARTMENT) for row in CITY_DEPARTMENTS
    ]
    rows += [(*row, None, kinds.DISTRICT) for row in DISTRICTS]
    rows += [(*row, kinds.SUB_UNIT) for row in SUB_UNITS]
    departments: dict[str, Department] = {}
    for order, (code, name, short, aliases, parent, kind) in enumerate(rows, start=1):
        names: dict[str, Any] = {"code": code, "name": name, "short_name": short, "aliases": aliases}
        departments[code] = services.department_create(
            actor=None, kind=kind, parent=departments[parent] if parent else None, sort_order=order, **names
        )
    enterprise = services.enterprise_create(
        actor=None, credit_code="91370100MA3C8XYR28", name="示例科技有限公司"
    )
    users = {}
    for username, real_name, roles, dept in ACCOUNTS:
        users[username] = services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            real_name=real_name,
            roles=roles,
            department=departments.get(dept) if dept else None,
            mobile="13800138000",
            must_change_password=False,
            enterprise=enterprise if r.ENTERPRISE in roles else None,
        )
    ctx.update(departments=departments, users=users, enterprise=enterprise)
