from django.urls import reverse

from yingshang.org import roles as r
from yingshang.org import selectors, services


def test_tree_order_and_depth(make_department):
    b = make_department("乙局", code="B")
    a = make_department("甲局", code="A")
    b1 = make_department("乙局一处", code="B-1", parent=b, kind="sub")
    b11 = make_department("乙局一处一科", code="B-1-1", parent=b1, kind="sub")
    services.department_update(actor=None, department=a, sort_order=0)
    services.department_update(actor=None, department=b, sort_order=1)
    rows = [(row.department.code, row.depth) for row in selectors.department_tree()]
    assert rows == [("A", 0), ("B", 0), ("B-1", 1), ("B-1-1", 2)]
    assert [pk for pk, _ in selectors.department_choices(exclude_subtree_of=b1)] == [a.pk, b.pk]
    services.department_update(actor=None, department=b, is_active=False)
    # The flag is each unit's own: active sub-units of a deactivated unit still list, lifted to the top.
    assert [(row.department.code, row.depth) for row in selectors.department_tree(active="1")] == [
        ("A", 0),
        ("B-1", 0),
        ("B-1-1", 1),
    ]
    # A filtered sub-unit whose parent is filtered out still shows, at the top level.
    assert [(row.department.code, row.depth) for row in selectors.department_tree(q="一科")] == [("B-1-1", 0)]
    assert b11.path == f"{b.path}{b1.pk}/{b11.pk}/"


def test_moving_a_department_rewrites_its_subtree(make_department):
    a, b = make_department(code="A"), make_department(code="B")
    b1 = make_department(code="B-1", parent=b, kind="sub")
    b11 = make_department(code="B-1-1", parent=b1, kind="sub")
    services.department_update(actor=None, department=b1, parent=a)
    b11.refresh_from_db()
    assert b11.path == f"{a.path}{b1.pk}/{b11.pk}/"
    import pytest

    from yingshang.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="不能把单位调整到其自身或其下属单位之下"):
        services.department_update(actor=None, department=a, parent=b11)
    a.refresh_from_db()
    assert a.parent is None


def test_user_list_filters(make_user, make_department):
    dept = make_department()
    both = make_user(r.LIAISON, r.DEPT_HEAD, department=dept, username="both")
    make_user(r.LIAISON, department=dept, username="only")
    make_user(r.AUDITOR, username="aud")
    assert [u.username for u in selectors.user_list(role=r.DEPT_HEAD)] == ["both"]
    assert sorted(u.username for u in selectors.user_list(role=r.LIAISON)) == ["both", "only"]
    assert [u.username for u in selectors.user_list(role=r.AUDITOR)] == ["aud"]
    services.user_set_active(actor=None, user=both, active=False)
    assert [u.username for u in selectors.user_list(status="disabled")] == ["both"]
    assert [u.username for u in selectors.user_list(q="onl")] == ["only"]
    assert list(selectors.user_list(department=999999)) == []


def test_token_holders_exclude_admin_duties_and_disabled(make_user):
    ok = make_user(r.LIAISON)
    off = make_user(r.LEADER)
    services.user_set_active(actor=None, user=off, active=False)
    make_user(r.SECADMIN)
    assert list(selectors.token_holders()) == [ok]


def test_token_list_query_count(client, login, make_user, django_assert_num_queries):
    secadmin = make_user(r.SECADMIN)
    for n in range(4):
        services.api_token_create(actor=None, user=make_user(r.LIAISON), name=f"令牌{n}")
    login(secadmin)
    client.get(reverse("org:token_list"))
    # session, user, otp device; holders, count, page of tokens (a verified session asks for no other device)
    with django_assert_num_queries(6):
        response = client.get(reverse("org:token_list"))
    assert response.content.decode().count("有效</span>") == 4
