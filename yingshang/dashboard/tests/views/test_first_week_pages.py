"""Small first-week defects of the pages around the cockpit: where the leader lands, the calendar's notice,
and the audit search's count."""

import pytest
from django.conf import settings
from django.urls import reverse

from yingshang.audit import events
from yingshang.org import roles as r
from yingshang.workdays.selectors import provisional_notice

pytestmark = pytest.mark.django_db


def test_leader_lands_on_the_cockpit_after_sign_in(make_user, login, client):
    leader = make_user(r.LEADER)
    login(leader)
    response = client.get(reverse(settings.LOGIN_REDIRECT_URL), follow=True)
    assert response.redirect_chain == [(reverse("dashboard:index"), 302)]
    assert response.status_code == 200


def test_people_who_act_on_items_keep_the_tile_page(make_user, login, client):
    for user in (make_user(r.OFFICE), make_user(r.LEADER, r.OFFICE)):
        login(user)
        assert client.get(reverse("core:home")).status_code == 200


def test_calendar_shows_the_missing_holidays_notice_once(office_user, login, client):
    notice = provisional_notice(office_user)
    assert notice is not None, "the test needs a year without a holiday schedule"
    html = login(office_user).get(reverse("workdays:calendar")).content.decode()
    assert html.count("的法定节假日安排尚未录入") == 1


def test_audit_search_counts_results_not_page_size(make_user, login, client):
    auditor = make_user(r.AUDITOR)
    for n in range(2):
        events.record(actor=auditor, action="ledger.update", object_type="ledger.task", object_id=str(n))
    html = login(auditor).get(reverse("audit:records"), {"action": "ledger.update"}).content.decode()
    assert "本页 2 条结果" in html and "每页 2 条" not in html
