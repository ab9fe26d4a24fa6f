from django.urls import reverse

from conftest import PASSWORD
from yingshang.audit.models import AuditRecord
from yingshang.org import roles as r


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("org:login"))
    assert response.status_code == 200
    assert "营商环境闭环管理平台" in response.content.decode()


def test_sign_in_is_audited_and_menu_follows_role(client, make_user):
    user = make_user(r.LIAISON)
    response = client.post(
        reverse("org:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert AuditRecord.objects.filter(action="auth.login", actor_id=user.pk).count() == 1
    assert "办公室设置" not in response.content.decode()


def test_wrong_password_is_audited_and_refused(client, make_user):
    user = make_user(r.LIAISON)
    response = client.post(reverse("org:login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "账号或密码错误" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.login_failed", actor_username=user.username).count() == 1


def test_five_failures_lock_the_account(client, make_user):
    user = make_user(r.LIAISON)
    for _ in range(5):
        client.post(reverse("org:login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("org:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.locked_out", actor_username=user.username).exists()
