"""The admin duties' to-do list of two-person proposals."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingshang.org import roles as r
from yingshang.org import services


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pending_list_query_count_does_not_grow_with_rows(client, login, make_user):
    secadmin = make_user(r.SECADMIN, username="sec1")
    auditor = make_user(r.AUDITOR, username="aud1")
    url = reverse("org:admin_change_list")
    services.user_set_roles(actor=secadmin, user=make_user(r.SYSADMIN), roles={r.AUDITOR})
    login(auditor)
    client.get(url)  # the first request of a session also stamps its activity time
    one = _queries(client, url)
    for _ in range(4):
        services.user_set_roles(actor=secadmin, user=make_user(r.AUDITOR), roles={r.SYSADMIN})
    assert one == 5  # pinned: session, account, the count and one page with its accounts
    assert _queries(client, url) == one
    page = client.get(url).content.decode()
    assert page.count("/confirm/") == 5


def test_proposer_sees_no_buttons_on_its_own_proposal(client, login, make_user):
    secadmin = make_user(r.SECADMIN, username="sec1")
    services.user_set_roles(actor=secadmin, user=make_user(r.SYSADMIN), roles={r.AUDITOR})
    login(secadmin)
    page = client.get(reverse("org:admin_change_list")).content.decode()
    assert "等待他人确认" in page and "/confirm/" not in page
