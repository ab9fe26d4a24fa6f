"""Finding 7: any user could point a WeCom/DingTalk robot at an internal address and the worker posted there
(SSRF). Robots are now department settings kept by the office, on allow-listed https hosts whose every
resolved address is public, checked at save and again at send, with redirects never followed.

Each attack is made through the real doors; a loopback listener stands for the internal service and must
see no connection at all."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import PermissionRefused
from yingshang.core.office_settings import office_setting_change
from yingshang.notify import robots, services
from yingshang.notify.models import ChannelPreference, Delivery, DepartmentRobot, Notification
from yingshang.notify.tests.conftest import (  # noqa: F401 - fixtures
    OFFICIAL_URL,
    PUBLIC_ADDRESS,
    connection_recorder,
    department_robot,
    robot,
    robot_certificate,
)
from yingshang.org import roles as r

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(make_user):
    return make_user(r.LIAISON)


def _nothing_stored():
    return (
        DepartmentRobot.objects.count(),
        AuditRecord.objects.filter(action="notify.robot").count(),
    ) == (0, 0)


def test_a_liaison_cannot_set_a_robot_through_any_door(client, login, liaison, connection_recorder):  # noqa: F811
    target = f"http://127.0.0.1:{connection_recorder.port}/hook"
    c = login(liaison)
    # The old personal field on the preferences page: refused whole, not even the channels are saved.
    page = c.post(
        reverse("notify:preferences"),
        {"reminder__webhook": "1", "webhook_url": target, "webhook_flavor": "wecom"},
    )
    assert page.status_code == 400 and "由营商办按单位设置" in page.content.decode()
    assert not ChannelPreference.objects.filter(user=liaison).exists()
    # The office's page for the liaison's own department, plain and htmx.
    own = reverse("notify:robot_set", args=[liaison.department_id])
    form = {"url": target, "flavor": "wecom", "enabled": "1"}
    assert c.get(reverse("notify:robots")).status_code == 403
    assert c.post(own, form).status_code == 403
    assert c.post(own, form, HTTP_HX_REQUEST="true").status_code == 403
    # The API has no door for robots at all.
    paths = json.dumps(c.get("/api/openapi.json").json()["paths"])
    assert "robot" not in paths and "webhook" not in paths
    assert (
        c.post("/api/notify/robots/", data=json.dumps(form), content_type="application/json").status_code
        == 404
    )
    # Nor does the service let anyone but the office through.
    with pytest.raises(PermissionRefused):
        services.robot_set(
            actor=liaison, department_id=liaison.department_id, url=target, flavor="wecom", enabled=True
        )
    assert _nothing_stored()
    assert connection_recorder.hits == 0


INTERNAL_URLS = [
    "http://127.0.0.1:{port}/cgi-bin/webhook/send?key=x",
    "https://127.0.0.1:{port}/cgi-bin/webhook/send?key=x",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "https://[::1]:{port}/",
    "https://[::ffff:127.0.0.1]:{port}/",
    "http://2130706433/",
    "https://2130706433:{port}/",
    "https://0x7f.1:{port}/",
    "https://127.1:{port}/",
    "https://localhost:{port}/",
]


@pytest.mark.parametrize("template", INTERNAL_URLS)
def test_the_office_cannot_save_an_internal_address(
    template,
    login,
    office_user,
    liaison,
    connection_recorder,  # noqa: F811
):
    url = template.format(port=connection_recorder.port)
    c = login(office_user)
    response = c.post(
        reverse("notify:robot_set", args=[liaison.department_id]),
        {"url": url, "flavor": "wecom", "enabled": "1"},
    )
    assert response.status_code == 302
    assert _nothing_stored()
    assert connection_recorder.hits == 0


@pytest.mark.parametrize("template", [u for u in INTERNAL_URLS if u.startswith("https")])
def test_an_internal_address_stays_refused_even_when_the_office_allow_lists_it(
    template,
    office_user,
    liaison,
    connection_recorder,  # noqa: F811
):
    from urllib.parse import urlsplit

    url = template.format(port=connection_recorder.port)
    office_setting_change(
        actor=office_user, key="notify_webhook_allowed_hosts", raw_value=urlsplit(url).hostname
    )
    with pytest.raises(robots.RobotAddressRefused):
        services.robot_set(
            actor=office_user, department_id=liaison.department_id, url=url, flavor="wecom", enabled=True
        )
    assert _nothing_stored()
    assert connection_recorder.hits == 0


@pytest.mark.parametrize(
    "resolved",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["192.168.0.10"],
        ["100.64.0.1"],
        ["169.254.169.254"],
        ["0.0.0.0"],
        ["224.0.1.1"],
        ["240.0.0.1"],
        ["::1"],
        ["fe80::1"],
        ["fc00::1"],
        ["::ffff:127.0.0.1"],
        ["64:ff9b::a9fe:a9fe"],
        ["2002:7f00:1::"],
        ["ff02::1"],
        [PUBLIC_ADDRESS, "10.0.0.1"],  # one bad answer among good ones is enough
    ],
)
def test_an_allow_listed_name_resolving_inside_is_refused_at_save(
    resolved,
    monkeypatch,
    office_user,
    liaison,
    connection_recorder,  # noqa: F811
):
    monkeypatch.setattr(robots, "resolve", lambda host, port: resolved)
    url = f"https://qyapi.weixin.qq.com:{connection_recorder.port}/cgi-bin/webhook/send?key=x"
    with pytest.raises(robots.RobotAddressRefused) as refused:
        services.robot_set(
            actor=office_user, department_id=liaison.department_id, url=url, flavor="wecom", enabled=True
        )
    assert "内部或保留网络地址" in refused.value.message
    assert _nothing_stored()
    assert connection_recorder.hits == 0


def _queued_robot_delivery(person):
    services.preferences_set(actor=person, choices={"reminder": {"webhook"}})
    services.notify(recipients=[person], kind="reminder", title="催办", body="请尽快办理")
    return Delivery.objects.get(channel="webhook")


def test_dns_that_changes_after_saving_is_caught_before_sending(
    monkeypatch,
    office_user,
    liaison,
    connection_recorder,  # noqa: F811
):
    answers = {"now": [PUBLIC_ADDRESS]}
    monkeypatch.setattr(robots, "resolve", lambda host, port: answers["now"])
    url = f"https://qyapi.weixin.qq.com:{connection_recorder.port}/cgi-bin/webhook/send?key=x"
    services.robot_set(
        actor=office_user, department_id=liaison.department_id, url=url, flavor="wecom", enabled=True
    )
    delivery = _queued_robot_delivery(liaison)
    answers["now"] = ["127.0.0.1"]  # DNS rebinding: the name now points at the server itself
    assert services.delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("failed", 1, None)
    assert "内部或保留网络地址" in delivery.last_error
    assert connection_recorder.hits == 0


def test_an_outbox_row_to_an_address_the_office_does_not_keep_is_not_sent(
    office_user,
    liaison,
    connection_recorder,  # noqa: F811
):
    # What the old personal field could leave in the outbox.
    notification = Notification.objects.create(recipient=liaison, kind="reminder", title="催办")
    delivery = Delivery.objects.create(
        notification=notification,
        channel="webhook",
        address=f"http://127.0.0.1:{connection_recorder.port}/hook",
        flavor="wecom",
        next_attempt_at=timezone.now(),
    )
    assert services.delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "不是营商办登记的单位群机器人" in delivery.last_error
    assert connection_recorder.hits == 0


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_from_an_allowed_host_is_not_followed(
    status,
    liaison,
    robot,  # noqa: F811
    department_robot,  # noqa: F811
    connection_recorder,  # noqa: F811
):
    robot.status = status
    robot.headers = {"Location": f"http://127.0.0.1:{connection_recorder.port}/internal"}
    department_robot(liaison, OFFICIAL_URL)
    delivery = _queued_robot_delivery(liaison)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "不跟随" in delivery.last_error
    assert len(robot.received) == 1  # the allowed host was asked once...
    assert connection_recorder.hits == 0  # ...and where it pointed was never reached


def test_a_valid_robot_still_gets_the_notice_through_the_outbox(
    liaison,
    robot,  # noqa: F811
    department_robot,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    department_robot(liaison, OFFICIAL_URL)
    services.preferences_set(actor=liaison, choices={"reminder": {"webhook"}})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[liaison], kind="reminder", title="催办：任务即将到期")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.address) == ("sent", OFFICIAL_URL)
    assert robot.received[0]["markdown"]["content"].startswith("### 催办：任务即将到期")
    audit = AuditRecord.objects.get(action="notify.robot")
    assert "key=" not in json.dumps(audit.after, ensure_ascii=False)  # the robot's key stays out of the trail


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_keeps_only_official_personal_addresses_as_disabled_department_robots():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("notify", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "notify"]
    old = executor.loader.project_state([*others, *before]).apps
    NotifyProfile, Department, User = (
        old.get_model("notify", "NotifyProfile"),
        old.get_model("org", "Department"),
        old.get_model("org", "User"),
    )
    official = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=team"
    a = Department.objects.create(code="MA", name="迁移测试甲局")
    b = Department.objects.create(code="MB", name="迁移测试乙局")
    for n, (department, url) in enumerate(
        [
            (a, official),
            (a, official),
            (a, "https://oapi.dingtalk.com/robot/send?access_token=other"),
            (b, "http://127.0.0.1:9/hook"),
            (b, "https://169.254.169.254/latest/meta-data/"),
            (None, official),
        ]
    ):
        user = User.objects.create(username=f"migr{n}", department=department)
        NotifyProfile.objects.create(user=user, webhook_url=url, webhook_flavor="wecom")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    carried = [(r.department_id, r.url, r.enabled) for r in DepartmentRobot.objects.all()]
    assert carried == [(a.pk, official, False)]
