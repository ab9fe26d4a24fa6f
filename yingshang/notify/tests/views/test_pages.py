import pytest
from django.urls import reverse

from yingshang.notify import services
from yingshang.notify.models import ChannelPreference, Delivery, Notification, NotifyProfile
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
    assert intruder.get(reverse("notify:open", args=[mine.pk])).status_code == 403
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_mark_all_read(liaison, login):
    services.notify(recipients=[liaison], kind="system", title="一")
    c = login(liaison)
    c.post(reverse("notify:mark_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_preferences_page_saves_channels_and_webhook(liaison, login):
    c = login(liaison)
    assert c.get(reverse("notify:preferences")).status_code == 200
    c.post(
        reverse("notify:preferences"),
        {
            "reminder__email": "1",
            "escalation__webhook": "1",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "webhook_flavor": "wecom",
        },
    )
    on = {
        (p.kind, tuple(p.channels())) for p in ChannelPreference.objects.filter(user=liaison) if p.channels()
    }
    assert on == {("reminder", ("email",)), ("escalation", ("webhook",))}
    assert NotifyProfile.objects.get(user=liaison).webhook_url.endswith("key=abc")
    page = c.post(
        reverse("notify:preferences"), {"webhook_url": "not a url", "webhook_flavor": "wecom"}
    ).content.decode()
    assert "群机器人地址无效" in page
    assert NotifyProfile.objects.get(user=liaison).webhook_url.endswith("key=abc")


def test_delivery_log_for_office_only(liaison, office_user, login, client):
    services.preferences_set(actor=liaison, choices={"reminder": {"webhook"}})
    services.profile_set(actor=liaison, webhook_url="http://127.0.0.1:9/robot", webhook_flavor="wecom")
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
