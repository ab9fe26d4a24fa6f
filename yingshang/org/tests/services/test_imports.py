from io import BytesIO

import pytest
from openpyxl import load_workbook

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ValidationFailed
from yingshang.org import imports
from yingshang.org import roles as r
from yingshang.org.models import Department, User
from yingshang.org.tests.xlsx import DEPT_HEADER, USER_HEADER, xlsx


def _errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_department_import_with_parents_in_file_in_any_order(db, make_department):
    make_department("示例市市场监督管理局", code="SCJ")
    content = xlsx(
        [
            DEPT_HEADER,
            ["SCJ-DJ-1", "登记注册处一科", "一科", "", "下属单位", "SCJ-DJ", 2],
            [
                "SCJ-DJ",
                "示例市市场监督管理局登记注册处",
                "登记处",
                "登记注册处、注册处",
                "下属单位",
                "SCJ",
                1,
            ],
            ["HX", "示例市海新区人民政府", "海新区", "", "区县", "", ""],
        ]
    )
    report = imports.check("department", content)
    assert report.ok, _errors(report)
    _, result = imports.commit("department", content, actor=None, filename="d.xlsx")
    assert len(result.created) == 3
    reg = Department.objects.get(code="SCJ-DJ")
    first = Department.objects.get(code="SCJ-DJ-1")
    assert reg.aliases == ["登记注册处", "注册处"] and reg.kind == "sub"
    assert first.parent == reg and first.path == f"{reg.path}{first.pk}/"
    assert Department.objects.get(code="HX").kind == "district"
    audit = AuditRecord.objects.get(action="department.import")
    assert audit.after == {"rows": 3, "file": "d.xlsx"}


def test_department_import_reports_every_row_and_saves_nothing(db, make_department):
    make_department("示例市财政局", code="CZJ")
    before = Department.objects.count()
    content = xlsx(
        [
            DEPT_HEADER,
            ["A1", "单位甲", "", "", "", "NOPE", ""],
            ["A2", "单位乙", "", "", "", "", ""],
            ["A2", "单位丙", "", "", "", "", ""],
            ["CZJ", "示例市财政局", "", "", "星际单位", "", "x"],
            ["", "", "简称", "", "", "", ""],
            ["B1", "单位丁", "", "", "", "B2", ""],
            ["B2", "单位戊", "", "", "", "B1", ""],
        ]
    )
    report = imports.check("department", content)
    assert _errors(report) == [
        (2, "上级单位编码", "上级单位“NOPE”不存在。"),
        (4, "单位编码", "与第 3 行的编码“A2”重复。"),
        (5, "单位全称", "单位“示例市财政局”已存在。"),
        (5, "单位编码", "编码“CZJ”已存在。"),
        (5, "排序", "应为非负整数。"),
        (5, "类型", "未知类型“星际单位”。"),
        (6, "单位全称", "必填。"),
        (6, "单位编码", "必填。"),
        (7, "上级单位编码", "上级单位相互引用，形成循环。"),
        (8, "上级单位编码", "上级单位相互引用，形成循环。"),
    ]
    with pytest.raises(ValidationFailed):
        imports.commit("department", content, actor=None)
    assert Department.objects.count() == before
    assert not AuditRecord.objects.filter(action="department.import").exists()


def test_missing_columns_and_unreadable_file(db):
    report = imports.check("department", xlsx([["单位编码", "简称"], ["X", "x"]]))
    assert _errors(report) == [(0, "", "缺少必需的列：单位全称。请使用导入模板。")]
    report = imports.check("user", b"PK\x03\x04not really a workbook")
    assert _errors(report) == [(0, "", "无法读取该文件，请上传由模板填写的 .xlsx 文件。")]
    report = imports.check("user", xlsx([USER_HEADER]))
    assert _errors(report) == [(0, "", "文件中没有数据行。")]


def test_user_import_errors(db, make_department, make_user):
    make_department("示例市市场监督管理局", code="SCJ")
    make_user(r.LEADER, username="taken")
    content = xlsx(
        [
            USER_HEADER,
            ["zhang", "张三", "13800001111", "", "SCJ", "部门联络员"],
            ["Zhang", "张三丰", "", "a@example.gov.cn", "", ""],
            ["taken", "重名", "", "a@example.gov.cn", "", ""],
            ["li", "李四", "1380000", "", "XXX", ""],
            ["wang", "王五", "", "a@example.gov.cn", "", "审计管理员、营商办"],
            ["zhao", "赵六", "", "a@example.gov.cn", "", "系统管理员，安全管理员"],
            ["qian", "钱七", "", "a@example.gov.cn", "", "超级用户"],
            ["sun", "", "", "a@example.gov.cn", "", "部门负责人"],
            ["bad name!", "某", "", "a@example.gov.cn", "", ""],
            ["nocontact", "无联系", "", "", "", ""],
        ]
    )
    report = imports.check("user", content)
    duty = "系统管理员、安全管理员、审计管理员须分设账号，且不得兼任其他角色。"
    assert _errors(report) == [
        (3, "账号", "与第 2 行的账号“Zhang”重复。"),
        (4, "账号", "账号“taken”已存在。"),
        (5, "所属单位编码", "单位“XXX”不存在。"),
        (5, "手机号", "手机号“1380000”无效，应为11位数字，以1开头。"),
        (6, "角色", duty),
        (7, "角色", duty),
        (8, "角色", "未知角色“超级用户”。"),
        (9, "姓名", "必填。"),
        (9, "所属单位编码", "部门联络员、部门负责人须填写所属单位。"),
        (10, "账号", "账号只能包含字母、数字及 @.+-_，不超过150位。"),
        (11, "手机号", "须填写本人的手机号或邮箱：设置密码的链接只发给本人。"),
    ]
    count = User.objects.count()
    with pytest.raises(ValidationFailed):
        imports.commit("user", content, actor=None)
    assert User.objects.count() == count


def test_user_import_roles_wait_for_the_security_administrator(db, make_department):
    scj = make_department("示例市市场监督管理局", code="SCJ")
    content = xlsx(
        [
            USER_HEADER,
            ["zhang", "张三", "138 0000 1111", "z@example.gov.cn", "SCJ", "部门联络员、部门负责人"],
            ["audit2", "审计员二", "", "audit2@example.gov.cn", "", "审计管理员"],
            [None, None, None, None, None, None],
        ]
    )
    imports.commit("user", content, actor=None)
    zhang = User.objects.get(username="zhang")
    assert zhang.department == scj and zhang.mobile == "13800001111"
    assert zhang.role_codes == frozenset() and zhang.pending_role_codes == {r.LIAISON, r.DEPT_HEAD}
    # Nobody running the import holds a password: the holder sets it through the link sent to them.
    assert (
        not zhang.has_usable_password()
        and zhang.password_reset_links.filter(used_at__isnull=True).count() == 1
    )
    assert User.objects.get(username="audit2").pending_role_codes == {r.AUDITOR}
    from yingshang.org import services

    services.user_confirm_pending_roles(actor=None, user=zhang)
    zhang.refresh_from_db()
    assert zhang.role_codes == {r.LIAISON, r.DEPT_HEAD} and zhang.pending_roles == 0


def test_templates_have_the_columns_the_checker_wants(db):
    for kind, columns in imports.KINDS.items():
        ws = load_workbook(BytesIO(imports.template_workbook(kind))).worksheets[0]
        assert [c.value for c in ws[1]] == [c.header for c in columns]
