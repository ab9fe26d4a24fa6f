"""Attacks on the separated admin duties (issue 12, findings 4 and 5), done through the real pages as the
attacker did them. Each asserts the refusal and that nothing changed."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yingshang.audit.models import AuditRecord
from yingshang.core.errors import PermissionRefused
from yingshang.notify.channels import LoggingSmsGateway
from yingshang.notify.models import Notification
from yingshang.org import roles as r
from yingshang.org import services
from yingshang.org.models import AdminChangeRequest, PasswordResetLink, User

NEW_PASSWORD = "Brand-New-Pass9!"
LINK = re.compile(r"/accounts/reset/[^/\s]+/")


@pytest.fixture
def sysadmin(make_user):
    return make_user(r.SYSADMIN, username="sys1", email="sys1@example.com")


@pytest.fixture
def secadmin(make_user):
    return make_user(r.SECADMIN, username="sec1", email="sec1@example.com")


@pytest.fixture
def auditor(make_user):
    return make_user(r.AUDITOR, username="aud1", email="aud1@example.com")


@pytest.fixture
def sms_sent():
    LoggingSmsGateway.sent.clear()
    yield LoggingSmsGateway.sent
    LoggingSmsGateway.sent.clear()


def _accounts():
    return sorted(User.objects.values_list("username", "roles", "pending_roles", "password"))


def _nothing_proposed():
    return not AdminChangeRequest.objects.exists()


# ---- nobody changes their own roles; no crossing between admin duties and business roles -------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_secadmin_cannot_make_itself_office(client, login, secadmin, htmx):
    login(secadmin)
    before = _accounts()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("org:account_roles", args=[secadmin.pk]), {"roles": [r.OFFICE]}, **headers)
    assert response.status_code == 200
    assert "不能修改自己的角色或管理职责" in response.content.decode()
    assert _accounts() == before and _nothing_proposed()
    assert not AuditRecord.objects.filter(action="user.roles").exists()
    assert client.get(reverse("core:home")).status_code in (200, 302)
    assert User.objects.get(pk=secadmin.pk).role_codes == {r.SECADMIN}


def test_secadmin_cannot_change_own_roles_through_the_service(secadmin):
    for roles in ({r.OFFICE}, {r.AUDITOR}, set()):
        with pytest.raises(PermissionRefused):
            services.user_set_roles(actor=secadmin, user=secadmin, roles=roles)
    assert User.objects.get(pk=secadmin.pk).role_codes == {r.SECADMIN} and _nothing_proposed()


@pytest.mark.parametrize(
    ("start", "wanted"),
    [
        ({r.SECADMIN}, [r.OFFICE]),
        ({r.SYSADMIN}, [r.LEADER]),
        ({r.LIAISON}, [r.AUDITOR]),
        ({r.AUDITOR}, [r.AUDITOR, r.OFFICE]),
    ],
)
def test_secadmin_cannot_swap_admin_duty_and_business_role(client, login, secadmin, make_user, start, wanted):
    target = make_user(*start, username="target")
    login(secadmin)
    before = _accounts()
    response = client.post(reverse("org:account_roles", args=[target.pk]), {"roles": wanted})
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能在管理职责与业务角色之间互换" in page or "角色组合不允许" in page
    assert _accounts() == before and _nothing_proposed()


# ---- two-person rule ---------------------------------------------------------------------------------


def _propose_duty_change(client, login, secadmin, target, roles):
    login(secadmin)
    response = client.post(reverse("org:account_roles", args=[target.pk]), {"roles": roles}, follow=True)
    assert "须由另一名管理员" in response.content.decode()
    return AdminChangeRequest.objects.get(target=target, state="pending")


def test_role_change_of_admin_account_takes_effect_only_when_a_second_admin_confirms(
    client, login, secadmin, sysadmin, make_user
):
    target = make_user(r.AUDITOR, username="aud2")
    change = _propose_duty_change(client, login, secadmin, target, [r.SYSADMIN])
    assert User.objects.get(pk=target.pk).role_codes == {r.AUDITOR}
    assert change.payload == {"roles": [r.SYSADMIN], "before": [r.AUDITOR]}
    assert Notification.objects.filter(recipient=sysadmin, kind="account_security").exists()

    confirmer = Client()
    login(sysadmin, confirmer)
    assert "aud2" in confirmer.get(reverse("org:admin_change_list")).content.decode()
    confirmer.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]))
    change.refresh_from_db()
    assert change.state == "confirmed" and change.decided_by == sysadmin
    assert User.objects.get(pk=target.pk).role_codes == {r.SYSADMIN}
    record = AuditRecord.objects.get(action="user.roles", object_id=str(target.pk))
    assert record.actor_id == sysadmin.pk and record.after == {"roles": [r.SYSADMIN], "proposed_by": "sec1"}
    assert AuditRecord.objects.filter(action="admin_change.confirm", object_id=str(change.pk)).exists()


def test_proposer_cannot_confirm_own_proposal(client, login, secadmin, make_user):
    target = make_user(r.AUDITOR, username="aud2")
    change = _propose_duty_change(client, login, secadmin, target, [r.SYSADMIN])
    before = _accounts()
    response = client.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]), follow=True)
    assert "您不能对该事项执行“确认”" in response.content.decode()
    change.refresh_from_db()
    assert change.state == "pending" and change.decided_by is None and change.version == 0
    assert _accounts() == before
    assert not AuditRecord.objects.filter(action="admin_change.confirm").exists()


def test_target_cannot_confirm_a_change_of_itself(client, login, secadmin, sysadmin):
    change = _propose_duty_change(client, login, secadmin, sysadmin, [r.AUDITOR])
    before = _accounts()
    target_client = Client()
    login(sysadmin, target_client)
    for action in ("confirm", "reject"):
        target_client.post(reverse("org:admin_change_decide", args=[change.pk, action]))
    change.refresh_from_db()
    assert change.state == "pending" and change.version == 0
    assert _accounts() == before


def test_business_role_change_needs_no_second_person(client, login, secadmin, make_user):
    target = make_user(r.LIAISON)
    login(secadmin)
    client.post(reverse("org:account_roles", args=[target.pk]), {"roles": [r.LIAISON, r.DEPT_HEAD]})
    assert User.objects.get(pk=target.pk).role_codes == {r.LIAISON, r.DEPT_HEAD}
    assert _nothing_proposed()


def test_expired_proposal_cannot_be_confirmed(client, login, secadmin, sysadmin, make_user):
    target = make_user(r.AUDITOR, username="aud2")
    change = _propose_duty_change(client, login, secadmin, target, [r.SYSADMIN])
    AdminChangeRequest.objects.filter(pk=change.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    confirmer = Client()
    login(sysadmin, confirmer)
    confirmer.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]))
    change.refresh_from_db()
    assert change.state == "expired" and change.decided_by is None
    assert User.objects.get(pk=target.pk).role_codes == {r.AUDITOR}


# ---- password reset hands the operator nothing ------------------------------------------------------


def test_sysadmin_reset_gives_the_operator_no_credential(
    client, login, sysadmin, make_user, mailoutbox, sms_sent, django_capture_on_commit_callbacks
):
    target = make_user(r.LEADER, email="lead@example.com", mobile="13900001111")
    old_hash = target.password
    login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("org:account_reset_password", args=[target.pk]), follow=True)
    page = response.content.decode()
    assert "已向" in page and "发送重置密码链接" in page
    (mail,) = mailoutbox
    link = LINK.search(mail.body).group()
    token = link.split("/")[-2]
    assert mail.to == ["lead@example.com"] and [m for m, _ in sms_sent] == ["13900001111"]
    assert link in sms_sent[0][1]
    # Nothing the operator saw or the audit kept carries the token or a password.
    assert token not in page and "password" not in (response.context or {})
    records = AuditRecord.objects.filter(object_id=str(target.pk))
    assert records.filter(action="user.password_reset").count() == 1
    assert all(token not in f"{a.before}{a.after}{a.detail}" for a in records)
    assert PasswordResetLink.objects.get(user=target).token_hash != token
    assert not Notification.objects.filter(link__contains=token).exists()
    # The password did not change, so the operator holds nothing to sign in with.
    assert User.objects.get(pk=target.pk).password == old_hash
    attacker = Client()
    attacker.post(reverse("org:login"), {"username": target.username, "password": token})
    assert "_auth_user_id" not in attacker.session


def _reset_link(client, login, sysadmin, target, mailoutbox, capture):
    login(sysadmin)
    with capture(execute=True):
        client.post(reverse("org:account_reset_password", args=[target.pk]))
    return LINK.search(mailoutbox[-1].body).group()


def test_link_works_once_then_not_again(
    client, login, sysadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.LEADER, email="lead@example.com")
    link = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    holder = Client()
    response = holder.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("org:login")
    assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in holder.session  # the link sets a password, it does not sign in
    changed = User.objects.get(pk=target.pk).password
    again = Client().post(link, {"new_password1": "Other-Passw0rd!x", "new_password2": "Other-Passw0rd!x"})
    assert again.status_code == 404 and "已经使用或已过期" in again.content.decode()
    assert User.objects.get(pk=target.pk).password == changed
    assert (
        Client()
        .post(reverse("org:login"), {"username": target.username, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_expired_link_is_refused(
    client, login, sysadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.LEADER, email="lead@example.com")
    link = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    PasswordResetLink.objects.filter(user=target).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = User.objects.get(pk=target.pk).password
    response = Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert User.objects.get(pk=target.pk).password == before


def test_a_newer_link_voids_the_older_and_weak_password_keeps_the_link(
    client, login, sysadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.LEADER, email="lead@example.com")
    first = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    second = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    assert Client().get(first).status_code == 404
    before = User.objects.get(pk=target.pk).password
    weak = Client().post(second, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and User.objects.get(pk=target.pk).password == before
    assert Client().get(second).status_code == 200


def test_after_reset_the_second_factor_is_still_required(
    client, login, sysadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.OFFICE, email="office@example.com")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    link = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    holder = Client()
    holder.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    holder.post(reverse("org:login"), {"username": target.username, "password": NEW_PASSWORD})
    assert holder.get(reverse("core:home")).url.startswith(reverse("org:otp_verify"))


def test_password_reset_of_an_admin_waits_for_a_second_admin(
    client, login, sysadmin, secadmin, auditor, mailoutbox, django_capture_on_commit_callbacks
):
    login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org:account_reset_password", args=[secadmin.pk]))
    change = AdminChangeRequest.objects.get(target=secadmin, kind="password_reset", state="pending")
    assert mailoutbox == [] and not PasswordResetLink.objects.exists()
    confirmer = Client()
    login(auditor, confirmer)
    with django_capture_on_commit_callbacks(execute=True):
        confirmer.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]))
    assert [m.to for m in mailoutbox] == [["sec1@example.com"]]
    assert PasswordResetLink.objects.filter(user=secadmin).count() == 1


def test_sysadmin_cannot_redirect_the_link_by_changing_the_contact_first(
    client, login, sysadmin, secadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.LIAISON, email="li@example.com")
    login(sysadmin)
    client.post(
        reverse("org:account_edit", args=[target.pk]),
        {"real_name": target.real_name, "email": "attacker@example.com", "department": target.department_id},
    )
    assert User.objects.get(pk=target.pk).email == "attacker@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("org:account_reset_password", args=[target.pk]), follow=True)
    assert "须由另一名管理员" in response.content.decode()
    assert mailoutbox == [] and not PasswordResetLink.objects.exists()
    change = AdminChangeRequest.objects.get(target=target, kind="password_reset", state="pending")
    assert change.payload == {"reason": "该账号的手机号或邮箱近期由管理员修改"}
    confirmer = Client()
    login(secadmin, confirmer)
    assert "近期由管理员修改" in confirmer.get(reverse("org:admin_change_list")).content.decode()


# ---- factor reset is the security administrator's ---------------------------------------------------


def test_sysadmin_cannot_reset_a_factor(client, login, sysadmin, make_user):
    target = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    login(sysadmin)
    response = client.post(reverse("org:account_reset_factor", args=[target.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=target).count() == 1
    assert not AuditRecord.objects.filter(action="user.factor_reset").exists()


def test_secadmin_resets_a_factor_and_the_holder_enrols_again(client, login, secadmin, make_user):
    target = make_user(r.OFFICE)
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    login(secadmin)
    client.post(reverse("org:account_reset_factor", args=[target.pk]))
    assert not TOTPDevice.objects.filter(user=target).exists()
    record = AuditRecord.objects.get(action="user.factor_reset", object_id=str(target.pk))
    assert record.actor_id == secadmin.pk and record.before == {"devices": 1}
    holder = Client()
    holder.post(reverse("org:login"), {"username": target.username, "password": PASSWORD})
    assert holder.get(reverse("core:home")).url.startswith(reverse("org:otp_setup"))


def test_factor_reset_of_an_admin_waits_for_a_second_admin(client, login, secadmin, sysadmin, make_user):
    target = make_user(r.AUDITOR, username="aud2")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    login(secadmin)
    client.post(reverse("org:account_reset_factor", args=[target.pk]))
    change = AdminChangeRequest.objects.get(target=target, kind="factor_reset")
    assert TOTPDevice.objects.filter(user=target).count() == 1
    client.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]))  # the proposer: refused
    assert TOTPDevice.objects.filter(user=target).count() == 1
    confirmer = Client()
    login(sysadmin, confirmer)
    confirmer.post(reverse("org:admin_change_decide", args=[change.pk, "confirm"]))
    assert not TOTPDevice.objects.filter(user=target).exists()


def test_secadmin_cannot_reset_its_own_factor(client, login, secadmin):
    login(secadmin)
    devices = TOTPDevice.objects.filter(user=secadmin).count()
    client.post(reverse("org:account_reset_factor", args=[secadmin.pk]))
    assert TOTPDevice.objects.filter(user=secadmin).count() == devices and _nothing_proposed()


# ---- the holder is told of every change --------------------------------------------------------------


def test_holder_is_told_of_each_change(
    client, login, sysadmin, secadmin, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    target = make_user(r.LIAISON, email="li@example.com")

    def titles():
        return list(
            Notification.objects.filter(recipient=target, kind="account_security")
            .order_by("id")
            .values_list("title", flat=True)
        )

    link = _reset_link(client, login, sysadmin, target, mailoutbox, django_capture_on_commit_callbacks)
    assert titles() == ["您的密码重置链接已发送"]
    Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert titles()[-1] == "您的密码已重新设置"
    services.password_change(actor=target, user=target, new_password="Third-Passw0rd!")
    assert titles()[-1] == "您的密码已修改"
    login(secadmin)
    client.post(reverse("org:account_roles", args=[target.pk]), {"roles": [r.DEPT_HEAD]})
    assert titles()[-1] == "您的角色已变更"
    client.post(reverse("org:account_reset_factor", args=[target.pk]))
    assert titles()[-1] == "您的动态口令已重置"
    assert len(titles()) == 5
