import pytest
from django.urls import reverse

from yingshang.notify import services
from yingshang.notify.models import ChannelPreference, Delivery, DepartmentRobot, Notification
from yingshang.org import roles as r
from yingshang.org.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(make_user):
    return make_user(r.LIAISON)


def test_inbox_lists_own_notices_with_fixed_queries(liaison, make_user, login, django_assert_num_queries):
    other = make_user(r.LIAISON)
    for i in range(5):
        services.notify(recipients=[liaison], kind="reminder", title=f"催办{i}", link="/supervision/")
    services.notify(recipients=[other], kind="reminder", title="别人的消息")
    c = login(liaison)
    c.get(reverse("notify:inbox"))
    with django_assert_num_queries(7):
        page = c.get(reverse("notify:inbox")).content.decode()
    assert "催办4" in page and "别人的消息" not in page and "未读 5 条" in page


def test_badge_poll_does_not_keep_the_session_alive(liaison, login):
    import time

    services.notify(recipients=[liaison], kind="system", title="一")
    c = login(liaison)
    c.get(reverse("notify:inbox"))
    idle_since = time.time() - 600
    session = c.session
    session[SESSION_KEY] = idle_since
    session.save()
    response = c.get(reverse("notify:badge"), headers={"X-Background-Poll": "1", "HX-Request": "true"})
    assert response.status_code == 200
    assert c.session[SESSION_KEY] == idle_since  # the poll is not activity
    c.get(reverse("notify:inbox"))
    assert c.session[SESSION_KEY] > idle_since  # a real page view is


def test_badge_shows_unread_count(liaison, login):
    services.notify(recipients=[liaison], kind="system", title="一")
    services.notify(recipients=[liaison], kind="system", title="二")
    c = login(liaison)
    body = c.get(reverse("notify:badge"), headers={"X-Background-Poll": "1"}).content.decode()
    assert ">2</span>" in body and "X-Background-Poll" in body


def test_opening_marks_read_and_follows_local_links_only(liaison, make_user, login):
    [n] = services.notify(recipients=[liaison], kind="system", title="一", link="/supervision/")
    [evil] = services.notify(recipients=[liaison], kind="system", title="二", link="https://evil.example/")
    c = login(liaison)
    assert c.get(reverse("notify:open", args=[n.pk]))["Location"] == "/supervision/"
    assert c.get(reverse("notify:open", args=[evil.pk]))["Location"] == reverse("notify:inbox")
    assert Notification.objects.filter(recipient=liaison, read_at__isnull=True).count() == 0
    intruder = login(make_user(r.LIAISON), c.__class__())
    [mine] = services.notify(recipients=[liaison], kind="system", title="三")
    assert intruder.get(reverse("notify:open", args=[mine.pk])).status_code == 404
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_mark_all_read(liaison, login):
    services.notify(recipients=[liaison], kind="system", title="一")
    c = login(liaison)
    c.post(reverse("notify:mark_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_preferences_page_saves_channels(liaison, login):
    c = login(liaison)
    page = c.get(reverse("notify:preferences")).content.decode()
    assert "本单位尚未启用群机器人" in page and 'name="webhook_url"' not in page
    c.post(reverse("notify:preferences"), {"reminder__email": "1", "escalation__webhook": "1"})
    on = {
        (p.kind, tuple(p.channels())) for p in ChannelPreference.objects.filter(user=liaison) if p.channels()
    }
    assert on == {("reminder", ("email",)), ("escalation", ("webhook",))}


def test_office_robot_page_lists_departments_and_saves_a_row(office_user, liaison, login, robot):
    c = login(office_user)
    page = c.get(reverse("notify:robots")).content.decode()
    assert liaison.department.display_name in page and "未设置" in page
    row = c.post(
        reverse("notify:robot_set", args=[liaison.department_id]),
        {"url": robot.url, "flavor": "wecom", "enabled": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and "已启用" in row.content.decode() and "<html" not in row.content.decode()
    saved = DepartmentRobot.objects.get(department=liaison.department)
    assert (saved.url, saved.enabled, saved.updated_by) == (robot.url, True, office_user)
    refused = c.post(
        reverse("notify:robot_set", args=[liaison.department_id]),
        {"url": "https://example.com/hook", "flavor": "wecom", "enabled": "1"},
    )
    assert refused.status_code == 302
    saved.refresh_from_db()
    assert saved.url == robot.url
    assert "群机器人" in login(liaison).get(reverse("notify:preferences")).content.decode()


QUERIES_ROBOT_PAGE = 5  # a verified session no longer asks for its devices


def test_robot_page_query_count_does_not_grow_with_departments(
    office_user, make_department, login, django_assert_num_queries
):
    make_department()
    c = login(office_user)
    c.get(reverse("notify:robots"))
    with django_assert_num_queries(QUERIES_ROBOT_PAGE):
        c.get(reverse("notify:robots"))
    for _ in range(4):
        make_department()
    with django_assert_num_queries(QUERIES_ROBOT_PAGE):
        page = c.get(reverse("notify:robots")).content.decode()
    assert page.count('hx-post="/notify/robots/') == 5


def test_delivery_log_for_office_only(liaison, office_user, login, client, robot, department_robot):
    services.preferences_set(actor=liaison, choices={"reminder": {"webhook"}})
    department_robot(liaison, robot.url)
    services.notify(recipients=[liaison], kind="reminder", title="催办")
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8, last_error="第8次：HTTP 500")
    assert login(liaison, client.__class__()).get(reverse("notify:deliveries")).status_code == 403
    office = login(office_user, client.__class__())
    page = office.get(reverse("notify:deliveries"), {"status": "failed"}).content.decode()
    assert "HTTP 500" in page
    office.post(reverse("notify:delivery_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) in {("pending", 0), ("sending", 0)}
