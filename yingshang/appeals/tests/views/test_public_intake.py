"""Issue 13.13: the public form marks what is required and shows every problem at once; the tracking page
tells the submitter who handles the appeal, by when, and any extension granted."""

import re

from django.urls import reverse
from django.utils import timezone

from yingshang.appeals import services
from yingshang.appeals.models import Appeal
from yingshang.appeals.tests.conftest import credit_code

REQUIRED = [
    "enterprise_name",
    "credit_code",
    "contact_name",
    "contact_phone",
    "category",
    "description",
    "consent",
]


def _label(page: str, field: str) -> str:
    return re.search(rf'<label[^>]*for="id_{field}"[^>]*>(.*?)</label>', page, re.S).group(1)


def test_required_fields_are_marked_and_optional_ones_are_not(client, db):
    page = client.get(reverse("appeals:submit")).content.decode()
    assert all('<span class="text-danger">*</span>' in _label(page, f) for f in REQUIRED)
    assert "*" not in _label(page, "title")
    assert "带 <span" in page and "为必填项" in page


def test_every_problem_is_shown_in_one_answer_and_nothing_is_saved(client, db):
    response = client.post(
        reverse("appeals:submit"),
        {
            "enterprise_name": "",
            "credit_code": "91370100MA3C8XYR29",  # wrong check character: a rule of the service, not the field
            "contact_name": "",
            "contact_phone": "12",
            "category": "",
            "description": "",
        },
    )
    page = response.content.decode()
    expected = [
        "请填写企业名称",
        "校验位不正确",
        "请填写联系人",
        "请填写正确的联系电话",
        "请选择诉求类型",
        "请填写诉求内容",
        "请阅读并同意联系信息使用说明",
    ]
    assert response.status_code == 200
    assert [message for message in expected if message not in page] == []
    assert "共有 7 处需要修改" in page
    assert Appeal.objects.count() == 0


def test_an_enterprise_account_is_not_asked_for_its_own_name_and_code(login, ent_user, db):
    client = login(ent_user)
    page = client.get(reverse("appeals:submit")).content.decode()
    assert 'name="enterprise_name"' not in page and 'name="credit_code"' not in page
    response = client.post(
        reverse("appeals:submit"),
        {
            "contact_name": "王经理",
            "contact_phone": "13912345678",
            "category": "help",
            "description": "道路破损。",
            "consent": "on",
        },
    )
    assert response.status_code == 302 and Appeal.objects.get().enterprise == ent_user.enterprise


def _track(client, appeal):
    return client.post(reverse("appeals:track"), {"code": appeal.tracking_code, "last4": appeal.phone_last4})


def test_tracking_before_dispatch_says_what_comes_next(client, submit):
    appeal = submit(credit_code=credit_code(7))
    page = _track(client, appeal).content.decode()
    assert "待营商办派单" in page and "派单后确定" in page


def test_tracking_shows_the_unit_the_time_limit_and_an_approved_extension(
    client, walk, liaison, office_user, dept
):
    appeal = walk("signed")
    appeal.refresh_from_db()
    page = _track(client, appeal).content.decode()
    deadline = timezone.localtime(appeal.reply_deadline)
    assert dept.display_name in page
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page  # official dates: no leading zero

    extension = services.extension_request(
        actor=liaison, appeal=appeal, days=3, reason="需要现场核实，内部情况说明。"
    )
    assert "延期" not in _track(client, appeal).content.decode().split('id="progress"')[1].split("</dl>")[0]
    services.extension_decide(actor=office_user, extension=extension, approve=True)
    extension.refresh_from_db()
    page = _track(client, appeal).content.decode()
    new = timezone.localtime(extension.new_deadline)
    assert f"经批准延期 3 个工作日，答复时限延至 {new.year}年{new.month}月{new.day}日" in page
    assert "内部情况说明" not in page  # the department's reasons stay internal


def test_tracking_after_the_reply_says_it_was_answered(client, walk):
    appeal = walk("replied")
    page = _track(client, appeal).content.decode()
    assert "已答复" in page and "已协调市政部门修复厂区门前道路" in page
