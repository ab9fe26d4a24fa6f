"""Demo city 示例市: about 40 real-style departments and one account per role. Apps add their own demo
content in a `demo.py` module with `seed(ctx)`; `seed_demo` calls them in INSTALLED_APPS order."""

from __future__ import annotations

from typing import Any

from . import roles as r
from . import services
from .models import Department

DEMO_PASSWORD = "Yingshang@2026"

CITY_DEPARTMENTS = [
    ("SZF", "示例市人民政府办公室", "市政府办", []),
    ("YSB", "示例市优化营商环境工作办公室", "市营商办", ["营商办"]),
    ("FGW", "示例市发展和改革委员会", "市发改委", ["发改委"]),
    ("GXJ", "示例市工业和信息化局", "市工信局", ["工信局"]),
    ("JYJ", "示例市教育局", "市教育局", []),
    ("KJJ", "示例市科学技术局", "市科技局", ["科技局"]),
    ("GAJ", "示例市公安局", "市公安局", ["公安局"]),
    ("MZJ", "示例市民政局", "市民政局", []),
    ("SFJ", "示例市司法局", "市司法局", ["司法局"]),
    ("CZJ", "示例市财政局", "市财政局", ["财政局"]),
    ("RSJ", "示例市人力资源和社会保障局", "市人社局", ["人社局", "市人力资源社会保障局"]),
    ("ZGJ", "示例市自然资源和规划局", "市自然资源规划局", ["自然资源局", "市自然资源局", "市资规局"]),
    ("STJ", "示例市生态环境局", "市生态环境局", ["生态环境局", "市环保局"]),
    ("ZJJ", "示例市住房和城乡建设局", "市住建局", ["住建局", "市住房城乡建设局"]),
    ("JTJ", "示例市交通运输局", "市交通运输局", ["交通局", "市交通局"]),
    ("SWJ", "示例市水务局", "市水务局", ["水务局", "市水利局"]),
    ("NYJ", "示例市农业农村局", "市农业农村局", ["农业农村局"]),
    ("SWU", "示例市商务局", "市商务局", ["商务局"]),
    ("WLJ", "示例市文化广电和旅游局", "市文旅局", ["文旅局", "市文化和旅游局"]),
    ("WJW", "示例市卫生健康委员会", "市卫健委", ["卫健委"]),
    ("YJJ", "示例市应急管理局", "市应急局", ["应急管理局", "市应急管理局"]),
    ("SJJ", "示例市审计局", "市审计局", []),
    ("SCJ", "示例市市场监督管理局", "市市场监管局", ["市场监管局", "市知识产权局"]),
    ("TJJ", "示例市统计局", "市统计局", []),
    ("YBJ", "示例市医疗保障局", "市医保局", ["医保局"]),
    ("XZSP", "示例市行政审批服务局", "市行政审批局", ["行政审批局", "市政务服务中心", "市行政审批服务局"]),
    ("SJZ", "示例市大数据局", "市大数据局", ["市政务和数据局", "大数据局"]),
    ("JRB", "示例市地方金融管理局", "市金融局", ["市金融办", "金融局"]),
    ("CGJ", "示例市城市管理局", "市城管局", ["城管局", "市城市管理综合执法局"]),
    ("ZWB", "示例市政务服务管理办公室", "市政务服务办", ["市政务办"]),
    ("SWUJ", "国家税务总局示例市税务局", "市税务局", ["税务局"]),
    ("GDJ", "示例供电公司", "市供电公司", ["供电公司", "国网示例供电公司"]),
    ("FY", "示例市中级人民法院", "市中级法院", ["市法院", "市中院"]),
    ("GTZ", "示例市公共资源交易中心", "市公共资源交易中心", ["公共资源交易中心"]),
    ("JW", "中共示例市纪律检查委员会 示例市监察委员会", "市纪委监委", ["纪委监委"]),
]
DISTRICTS = [
    ("DQ", "示例市东城区人民政府", "东城区", ["东城区政府"]),
    ("XQ", "示例市西城区人民政府", "西城区", ["西城区政府"]),
    ("NQ", "示例市南湖区人民政府", "南湖区", ["南湖区政府"]),
    ("BX", "示例市北山县人民政府", "北山县", ["北山县政府"]),
    ("GX", "示例市高新技术产业开发区管理委员会", "高新区", ["高新区管委会"]),
]
SUB_UNITS: list[tuple[str, str, str, list[str], str]] = [
    ("SCJ-DJ", "示例市市场监督管理局登记注册处", "市场监管局登记处", [], "SCJ")
]

# username, real name, roles, department code
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
    order = 0
    departments: dict[str, Department] = {}
    for code, name, short, aliases in CITY_DEPARTMENTS:
        order += 1
        kind = Department.Kind.OFFICE if code == "YSB" else Department.Kind.CITY_DEPARTMENT
        departments[code] = services.department_create(
            actor=None, code=code, name=name, short_name=short, aliases=aliases, kind=kind, sort_order=order
        )
    for code, name, short, aliases in DISTRICTS:
        order += 1
        departments[code] = services.department_create(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=Department.Kind.DISTRICT,
            sort_order=order,
        )
    for code, name, short, aliases, parent in SUB_UNITS:
        order += 1
        departments[code] = services.department_create(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=Department.Kind.SUB_UNIT,
            parent=departments[parent],
            sort_order=order,
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
