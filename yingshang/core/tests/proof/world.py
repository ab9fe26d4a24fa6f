"""A small city built through the services for the cross-cutting proofs: two departments (A leads a
ledger task and handles an appeal, B is unrelated), one account per role, two enterprises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from yingshang.appeals import services as appeal_services
from yingshang.core.credit_code import ALPHABET, check_character
from yingshang.ledger import services as ledger_services
from yingshang.ledger.models import Category
from yingshang.org import roles as r
from yingshang.org import services as org_services

PASSWORD = "Test-Passw0rd!"
MISSING = 987654


def credit_code(n: int) -> str:
    first17 = "".join(ch if ch in ALPHABET else "0" for ch in f"91370100MA{n:07d}")
    return first17 + check_character(first17)


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    departments: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    w = World()
    mk = org_services.department_create
    w.departments["office"] = mk(actor=None, code="PYSB", name="示例市营商办（验证）", kind="office")
    w.departments["a"] = mk(actor=None, code="PA", name="示例市甲局", kind="city")
    w.departments["b"] = mk(actor=None, code="PB", name="示例市乙局", kind="city")
    w.departments["admin"] = mk(actor=None, code="PSJ", name="示例市大数据局（验证）", kind="city")
    e1 = org_services.enterprise_create(actor=None, credit_code=credit_code(101), name="甲科技有限公司")
    e2 = org_services.enterprise_create(actor=None, credit_code=credit_code(102), name="乙贸易有限公司")
    accounts = [
        ("office", {r.OFFICE}, "office", None),
        ("liaison", {r.LIAISON}, "a", None),
        ("dept_head", {r.DEPT_HEAD}, "a", None),
        ("liaison_b", {r.LIAISON}, "b", None),
        ("inspector", {r.INSPECTOR}, "office", None),
        ("discipline", {r.DISCIPLINE}, "b", None),
        ("leader", {r.LEADER}, "office", None),
        ("enterprise", {r.ENTERPRISE}, None, e1),
        ("enterprise_b", {r.ENTERPRISE}, None, e2),
        ("sysadmin", {r.SYSADMIN}, "admin", None),
        ("secadmin", {r.SECADMIN}, "admin", None),
        ("auditor", {r.AUDITOR}, "admin", None),
    ]
    for username, roles, dept, ent in accounts:
        w.users[username] = org_services.user_create(
            actor=None,
            username=f"p_{username}",
            password=PASSWORD,
            real_name=f"验证{username}",
            roles=roles,
            department=w.departments[dept] if dept else None,
            must_change_password=False,
            enterprise=ent,
        )
    office = w.users["office"]
    document = ledger_services.policy_document_create(
        actor=office,
        title="示例市优化营商环境若干措施",
        doc_number="示政办发〔2026〕9号",
        issued_on=date(2026, 1, 5),
    )
    measure = ledger_services.measure_create(
        actor=office,
        document=document,
        title="压缩企业开办时间",
        serial="1",
        # seeded by a ledger migration; a flush by an earlier transactional test may have removed it
        category=Category.objects.get_or_create(code="government", defaults={"name": "政务环境"})[0],
    )
    task = ledger_services.task_create(
        actor=office,
        measure=measure,
        title="企业开办时间压缩至1个工作日",
        lead_departments=[w.departments["a"]],
        co_departments=[],
        deadline=date(2026, 12, 31),
        start_date=date(2026, 1, 5),
        cycle="quarter",
    )
    appeal = appeal_services.appeal_submit(
        actor=w.users["enterprise"],
        data={
            "enterprise_name": e1.name,
            "credit_code": e1.credit_code,
            "contact_name": "王经理",
            "contact_phone": "13912345678",
            "category": "help",
            "title": "厂区门前道路破损",
            "description": "诉求：厂区门前道路破损严重，货车进出困难，请求协调修复。",
        },
    )
    appeal_services.appeal_dispatch(actor=office, appeal=appeal, main_department=w.departments["a"])
    w.objects.update(
        document=document, measure=measure, task=task, appeal=appeal, enterprise=e1, enterprise_b=e2
    )
    return w
