from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from yingshang.org import roles as r
from yingshang.workdays import calendar as wd
from yingshang.workdays import services
from yingshang.workdays.models import CalendarOverride, CalendarStamp, CalendarYear

pytestmark = pytest.mark.django_db
PAGE = reverse("workdays:calendar")
NON_OFFICE = [
    r.LIAISON,
    r.DEPT_HEAD,
    r.INSPECTOR,
    r.DISCIPLINE,
    r.LEADER,
    r.ENTERPRISE,
    r.SYSADMIN,
    r.SECADMIN,
    r.AUDITOR,
]


@pytest.mark.parametrize("role", NON_OFFICE)
def test_page_and_actions_refuse_other_roles(client, login, make_user, office_user, role):
    existing = services.calendar_override_set(actor=office_user, day=date(2027, 5, 3), is_workday=False)
    version = CalendarStamp.objects.get().version
    login(make_user(role))
    assert client.get(PAGE).status_code == 403
    posts = [
        (reverse("workdays:override_add"), {"day": "2027-01-01", "kind": "off"}),
        (reverse("workdays:override_remove", args=[existing.pk]), {}),
        (reverse("workdays:year_enter"), {"year": "2027", "text": "2027-01-01 休", "complete": "1"}),
        (reverse("workdays:year_mark"), {"year": "2027", "complete": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [date(2027, 5, 3)]
    assert CalendarYear.objects.count() == 0
    assert CalendarStamp.objects.get().version == version


def test_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_office_sees_the_year_and_its_days(client, login, office_user, django_assert_num_queries):
    services.calendar_override_set(actor=office_user, day=date(2026, 6, 1), is_workday=False, note="地方节日")
    login(office_user)
    wd.is_workday(date(2026, 1, 1))  # calendar warm, as in a running process
    with django_assert_num_queries(8):
        response = client.get(PAGE, {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "国务院办公厅已公布" in page
    assert "地方节日" in page
    assert "国庆节" in page and "2026-10-10" in page  # a worked Saturday listed with the holidays


def test_office_adds_and_removes_an_override(client, login, office_user):
    login(office_user)
    response = client.post(
        reverse("workdays:override_add"), {"day": "2027-01-01", "kind": "off", "note": "元旦", "year": "2027"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?year=2027"
    override = CalendarOverride.objects.get()
    assert (override.date, override.is_workday, override.note, override.created_by) == (
        date(2027, 1, 1),
        False,
        "元旦",
        office_user,
    )
    assert wd.is_workday(date(2027, 1, 1)) is False
    response = client.post(reverse("workdays:override_remove", args=[override.pk]), {"year": "2027"})
    assert response.status_code == 302
    assert CalendarOverride.objects.count() == 0
    # Removing again: a clear message, nothing else happens.
    response = client.post(
        reverse("workdays:override_remove", args=[override.pk]), {"year": "2027"}, follow=True
    )
    assert "该调整已不存在" in response.content.decode()


def test_bulk_entry_with_a_bad_line_shows_every_error_and_saves_nothing(client, login, office_user):
    login(office_user)
    response = client.post(
        reverse("workdays:year_enter"),
        {"year": "2027", "text": "2027-01-01 休\n2027-13-01 班", "complete": "1"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "第 2 行的日期不存在" in page
    assert "2027-13-01 班" in page  # the pasted text is kept for correction
    assert CalendarOverride.objects.count() == 0


def test_bulk_entry_marks_the_year_known(client, login, office_user):
    login(office_user)
    assert wd.is_provisional(date(2027, 1, 1)) is True
    response = client.post(
        reverse("workdays:year_enter"),
        {"year": "2027", "text": "2027-01-01 休 元旦\n2027-02-14 班", "complete": "1", "note": "国办发明电"},
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).complete is True
    assert wd.is_provisional(date(2027, 1, 1)) is False
    page = client.get(PAGE, {"year": "2027"}).content.decode()
    assert "营商办已录入全年安排" in page
    # Withdraw the mark: provisional again.
    client.post(reverse("workdays:year_mark"), {"year": "2027"})
    assert wd.is_provisional(date(2027, 1, 1)) is True


def test_notice_snippet_renders_for_the_office(office_user, make_user, django_assert_num_queries):
    from yingshang.workdays.selectors import provisional_notice

    template = Template("{% load workdays_tags %}{% workdays_notice %}")
    provisional_notice(office_user)  # calendar warm
    with django_assert_num_queries(0):
        html = template.render(Context({"user": office_user}))
    expected = provisional_notice(office_user)
    if expected is not None:
        assert f"{expected['years_text']}的法定节假日安排尚未录入" in html
        assert expected["url"] in html
    else:
        assert html.strip() == ""
    assert template.render(Context({"user": make_user(r.LEADER)})).strip() == ""
