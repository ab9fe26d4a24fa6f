"""Management pages of the three separated admin duties."""

from io import BytesIO

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingshang.audit.models import AuditRecord
from yingshang.core.api_auth import token_digest
from yingshang.org import roles as r
from yingshang.org.models import ApiToken, Department, User


@pytest.fixture
def sysadmin(make_user):
    return make_user(r.SYSADMIN, username="sys1")


@pytest.fixture
def secadmin(make_user):
    return make_user(r.SECADMIN, username="sec1")


def _snapshot():
    return (
        sorted(Department.objects.values_list("code", "name", "is_active", "path")),
        sorted(User.objects.values_list("username", "roles", "is_active", "real_name", "password")),
        sorted(ApiToken.objects.values_list("name", "revoked_at")),
    )


# ---- who sees what ----------------------------------------------------------------------------

SYSADMIN_PAGES = ["org:department_list", "org:department_create", "org:account_create"]
SECADMIN_PAGES = ["org:token_list"]


@pytest.mark.parametrize("role", [r.OFFICE, r.LIAISON, r.AUDITOR, r.LEADER, r.SECADMIN])
@pytest.mark.parametrize("name", SYSADMIN_PAGES)
def test_sysadmin_pages_refused_to_others(client, login, make_user, role, name):
    login(make_user(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", [r.OFFICE, r.LIAISON, r.AUDITOR, r.SYSADMIN])
def test_token_page_refused_to_all_but_secadmin(client, login, make_user, role):
    login(make_user(role))
    assert client.get(reverse("org:token_list")).status_code == 403


@pytest.mark.parametrize("role", [r.OFFICE, r.LIAISON, r.AUDITOR, r.INSPECTOR])
def test_account_list_refused_to_business_roles_and_auditor(client, login, make_user, role):
    login(make_user(role))
    assert client.get(reverse("org:account_list")).status_code == 403


def test_menu_per_duty(client, login, sysadmin, secadmin, make_user):
    login(sysadmin)
    page = client.get(reverse("core:home")).content.decode()
    assert "单位管理" in page and "账号管理" in page and "接口令牌" not in page
    client.logout()
    login(secadmin)
    page = client.get(reverse("core:home")).content.decode()
    assert "单位管理" not in page and "账号管理" in page and "接口令牌" in page
    client.logout()
    login(make_user(r.OFFICE))
    page = client.get(reverse("core:home")).content.decode()
    assert "单位管理" not in page and "账号管理" not in page and "接口令牌" not in page


def test_secadmin_cannot_create_accounts(client, login, secadmin, make_department):
    login(secadmin)
    before = _snapshot()
    response = client.post(reverse("org:account_create"), {"username": "newbie", "real_name": "新人"})
    assert response.status_code == 403
    assert _snapshot() == before


def test_sysadmin_cannot_assign_roles(client, login, sysadmin, make_user):
    target = make_user(r.LIAISON)
    login(sysadmin)
    before = _snapshot()
    response = client.post(reverse("org:account_roles", args=[target.pk]), {"roles": [r.OFFICE]})
    assert response.status_code == 403
    assert _snapshot() == before


def test_office_cannot_touch_accounts(client, login, office_user, make_user):
    target = make_user(r.LIAISON)
    login(office_user)
    before = _snapshot()
    for name in ["account_set_active", "account_reset_password", "account_unlock", "account_roles"]:
        assert client.post(reverse(f"org:{name}", args=[target.pk]), {"active": "0"}).status_code == 403
    assert _snapshot() == before


# ---- departments ------------------------------------------------------------------------------


def test_department_tree_list(client, login, sysadmin, make_department, django_assert_num_queries):
    city = make_department("示例市市场监督管理局", code="SCJ", aliases=["市场监管局"])
    make_department("示例市市场监督管理局登记注册处", code="SCJ-DJ", parent=city, kind="sub")
    make_department("示例市住房和城乡建设局", code="ZJJ")
    login(sysadmin)
    client.get(reverse("org:department_list"))  # warm the session
    # session, user, otp device and its check, the departments (one query), session save (3)
    with django_assert_num_queries(4):
        response = client.get(reverse("org:department_list"))
    body = response.content.decode()
    assert body.index("示例市市场监督管理局<") < body.index("登记注册处") < body.index(
        "住房和城乡建设局"
    ) or (body.index("登记注册处") < body.index("住房和城乡建设局"))
    assert "市场监管局" in body
    response = client.get(reverse("org:department_list"), {"q": "市场监管局"})
    assert "住房和城乡建设局" not in response.content.decode()


def test_department_create_and_edit_audited(client, login, sysadmin, make_department):
    parent = make_department("示例市发展和改革委员会", code="FGW")
    login(sysadmin)
    response = client.post(
        reverse("org:department_create"),
        {
            "code": "FGW-TZ",
            "name": "示例市发展和改革委员会投资处",
            "short_name": "投资处",
            "aliases": "发改委投资处、投资科",
            "kind": "sub",
            "parent": parent.pk,
            "sort_order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    dept = Department.objects.get(code="FGW-TZ")
    assert dept.aliases == ["发改委投资处", "投资科"]
    assert dept.path == f"{parent.path}{dept.pk}/"
    assert AuditRecord.objects.filter(
        action="department.create", object_id=str(dept.pk), actor_id=sysadmin.pk
    ).exists()
    response = client.post(
        reverse("org:department_edit", args=[dept.pk]),
        {
            "code": "FGW-TZ",
            "name": dept.name,
            "short_name": "投资处",
            "aliases": "",
            "kind": "sub",
            "parent": parent.pk,
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    dept.refresh_from_db()
    assert dept.is_active is False and dept.aliases == []
    record = AuditRecord.objects.get(action="department.update", object_id=str(dept.pk))
    assert record.before == {"aliases": ["发改委投资处", "投资科"], "is_active": True}
    assert record.after == {"aliases": [], "is_active": False}


def test_department_duplicate_code_shows_error_nothing_saved(client, login, sysadmin, make_department):
    make_department("示例市财政局", code="CZJ")
    login(sysadmin)
    before = _snapshot()
    response = client.post(
        reverse("org:department_create"),
        {"code": "CZJ", "name": "另一个单位", "kind": "city", "sort_order": 0, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "单位编码" in response.content.decode() and "已存在" in response.content.decode()
    assert _snapshot() == before


def test_department_cannot_move_under_its_own_sub_unit(client, login, sysadmin, make_department):
    top = make_department("示例市市场监督管理局", code="SCJ")
    sub = make_department("登记注册处", code="SCJ-DJ", parent=top, kind="sub")
    login(sysadmin)
    response = client.get(reverse("org:department_edit", args=[top.pk]))
    # The parent list offers neither the department itself nor its sub-units.
    assert f'value="{sub.pk}"' not in response.content.decode()


def test_department_export(client, login, sysadmin, make_department):
    make_department("示例市财政局", code="CZJ", short_name="市财政局")
    login(sysadmin)
    response = client.get(reverse("org:department_list"), {"format": "xlsx", "q": "财政"})
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value == "单位列表"
    assert [c.value for c in ws[3]][:3] == ["CZJ", "示例市财政局", "市财政局"]
    assert AuditRecord.objects.get(action="department.export").after == {"rows": 1, "filters": {"q": "财政"}}


# ---- accounts ---------------------------------------------------------------------------------


def test_account_list_masks_mobile_and_filters(
    client, login, sysadmin, make_user, make_department, django_assert_num_queries
):
    scj = make_department("示例市市场监督管理局", code="SCJ")
    sub = make_department("登记注册处", code="SCJ-DJ", parent=scj, kind="sub")
    make_user(r.LIAISON, department=sub, username="li", mobile="13912345678")
    make_user(r.LEADER, username="lead")
    login(sysadmin)
    response = client.get(reverse("org:account_list"), {"department": scj.pk})
    body = response.content.decode()
    assert "139****5678" in body and "13912345678" not in body
    assert ">li<" in body and ">lead<" not in body
    response = client.get(reverse("org:account_list"), {"role": r.LEADER})
    assert ">lead<" in response.content.decode() and ">li<" not in response.content.decode()
    for n in range(3):
        make_user(r.INSPECTOR, username=f"insp{n}")
    # session, user, otp device and its check; count, page of users, lock-outs, departments; session save (3)
    with django_assert_num_queries(7):
        client.get(reverse("org:account_list"))


def test_account_export_masks_mobile(client, login, sysadmin, make_user):
    make_user(r.LEADER, username="lead", mobile="13912345678")
    login(sysadmin)
    response = client.get(reverse("org:account_list"), {"format": "xlsx", "role": r.LEADER})
    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in ws[2]][:3] == ["账号", "姓名", "手机号"]
    row = [c.value for c in ws[3]]
    assert row[0] == "lead" and row[2] == "139****5678" and row[4] == "市领导"


def test_sysadmin_creates_account_with_temp_password(client, login, sysadmin, make_department):
    dept = make_department("示例市财政局", code="CZJ")
    login(sysadmin)
    response = client.post(
        reverse("org:account_create"),
        {"username": "zhangsan", "real_name": "张三", "mobile": "13800001111", "department": dept.pk},
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="zhangsan")
    assert user.check_password(password)
    assert user.must_change_password is True and user.role_codes == frozenset()
    assert user.department == dept and user.mobile == "13800001111"
    assert AuditRecord.objects.filter(
        action="user.create", object_id=str(user.pk), actor_id=sysadmin.pk
    ).exists()


def test_create_account_bad_mobile_and_duplicate(client, login, sysadmin, make_user):
    make_user(r.LEADER, username="taken")
    login(sysadmin)
    before = _snapshot()
    response = client.post(
        reverse("org:account_create"), {"username": "ok", "real_name": "某", "mobile": "12345"}
    )
    assert "手机号应为11位数字" in response.content.decode()
    response = client.post(reverse("org:account_create"), {"username": "taken", "real_name": "某"})
    assert "账号已存在" in response.content.decode()
    assert _snapshot() == before


def test_edit_account_audited_without_plain_mobile(client, login, sysadmin, make_user):
    target = make_user(r.LEADER, mobile="13900000000")
    login(sysadmin)
    response = client.post(
        reverse("org:account_edit", args=[target.pk]), {"real_name": "新名字", "mobile": "13911112222"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.real_name == "新名字" and target.mobile == "13911112222"
    record = AuditRecord.objects.get(action="user.update", object_id=str(target.pk))
    assert record.after == {"real_name": "新名字", "mobile": "***"}
    assert "13911112222" not in str(record.after) + str(record.before)


def test_disable_and_enable(client, login, sysadmin, make_user):
    target = make_user(r.LEADER)
    login(sysadmin)
    client.post(reverse("org:account_set_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert target.is_active is False
    client.post(reverse("org:account_set_active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active is True
    assert list(
        AuditRecord.objects.filter(object_id=str(target.pk), action__in=["user.disable", "user.enable"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["user.disable", "user.enable"]


def test_sysadmin_cannot_disable_self(client, login, sysadmin):
    login(sysadmin)
    client.post(reverse("org:account_set_active", args=[sysadmin.pk]), {"active": "0"})
    sysadmin.refresh_from_db()
    assert sysadmin.is_active is True


def test_reset_password_forces_change_at_next_login(client, login, sysadmin, make_user):
    from django.test import Client

    target = make_user(r.LEADER)
    login(sysadmin)
    response = client.post(reverse("org:account_reset_password", args=[target.pk]))
    password = response.context["password"]
    target.refresh_from_db()
    assert target.must_change_password is True
    other = Client()
    response = other.post(reverse("org:login"), {"username": target.username, "password": password})
    assert response.status_code == 302
    assert other.get(reverse("core:home")).url == reverse("org:password_change")
    assert AuditRecord.objects.filter(action="user.password_reset", object_id=str(target.pk)).count() == 1


def test_unlock_clears_lockout(client, login, sysadmin, make_user):
    from django.test import Client

    target = make_user(r.LEADER)
    other = Client()
    for _ in range(5):
        other.post(reverse("org:login"), {"username": target.username, "password": "wrong"})
    login(sysadmin)
    assert "已锁定" in client.get(reverse("org:account_list")).content.decode()
    client.post(reverse("org:account_unlock", args=[target.pk]))
    assert not AccessAttempt.objects.filter(username=target.username).exists()
    from conftest import PASSWORD

    response = other.post(reverse("org:login"), {"username": target.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="user.unlock", object_id=str(target.pk)).exists()


def test_secadmin_assigns_roles(client, login, secadmin, make_user):
    target = make_user(r.LIAISON)
    login(secadmin)
    response = client.post(
        reverse("org:account_roles", args=[target.pk]), {"roles": [r.LIAISON, r.DEPT_HEAD]}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role_codes == {r.LIAISON, r.DEPT_HEAD}
    record = AuditRecord.objects.get(action="user.roles", object_id=str(target.pk))
    assert record.before == {"roles": [r.LIAISON]} and record.actor_id == secadmin.pk


def test_secadmin_refused_admin_duty_with_business_role(client, login, secadmin, make_user):
    target = make_user(r.LIAISON)
    login(secadmin)
    response = client.post(reverse("org:account_roles", args=[target.pk]), {"roles": [r.AUDITOR, r.LIAISON]})
    assert response.status_code == 200
    assert "角色组合不允许" in response.content.decode()
    target.refresh_from_db()
    assert target.role_codes == {r.LIAISON}


def test_unknown_account_is_404(client, login, sysadmin):
    login(sysadmin)
    assert client.get(reverse("org:account_edit", args=[999999])).status_code == 404


# ---- API tokens -------------------------------------------------------------------------------


def test_token_shown_once_then_works_and_revoked(client, login, secadmin, make_user):
    holder = make_user(r.LIAISON, username="hotline")
    login(secadmin)
    response = client.post(reverse("org:token_list"), {"name": "12345热线对接", "user": holder.pk})
    raw = response.context["raw"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(name="12345热线对接")
    assert token.token_hash == token_digest(raw) and raw not in token.token_hash
    assert raw not in client.get(reverse("org:token_list")).content.decode()
    from django.test import Client

    api = Client()
    schema = api.get("/api/openapi.json").json()
    protected = [
        p
        for p, ops in schema["paths"].items()
        if "get" in ops and ops["get"].get("security") and "{" not in p
    ]
    for path in protected[:1]:  # an app router's endpoint: the token signs in as its account
        assert api.get(path, headers={"Authorization": f"Bearer {raw}"}).status_code != 401
        token.refresh_from_db()
        assert token.last_used_at is not None
    client.post(reverse("org:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    for path in protected[:1]:
        assert api.get(path, headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    actions = list(
        AuditRecord.objects.filter(object_type="org.apitoken").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.revoke"]


def test_token_not_issued_for_admin_accounts(client, login, secadmin, make_user):
    auditor = make_user(r.AUDITOR)
    login(secadmin)
    response = client.post(reverse("org:token_list"), {"name": "x", "user": auditor.pk})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoke_twice_is_harmless(client, login, secadmin, make_user):
    from yingshang.org import services

    token, _ = services.api_token_create(actor=None, user=make_user(r.LIAISON), name="t")
    login(secadmin)
    client.post(reverse("org:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    first = token.revoked_at
    response = client.post(reverse("org:token_revoke", args=[token.pk]), follow=True)
    assert "已经吊销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditRecord.objects.filter(action="api_token.revoke").count() == 1
    assert first <= timezone.now()


def test_token_export_never_contains_the_token(client, login, secadmin, make_user):
    from yingshang.org import services

    _, raw = services.api_token_create(actor=None, user=make_user(r.LIAISON, username="hotline"), name="热线")
    login(secadmin)
    response = client.get(reverse("org:token_list"), {"format": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in ws[3]][:3] == ["热线", raw[:8], "hotline"]
    assert raw.encode() not in response.content
    assert AuditRecord.objects.filter(action="api_token.export", actor_id=secadmin.pk).count() == 1
