"""Console commands of the admin duties: the first security administrator, and recovering a lost factor."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingshang.audit.models import AuditRecord
from yingshang.notify.models import Notification
from yingshang.org import roles as r
from yingshang.org.models import User


@pytest.fixture
def admin_password(monkeypatch):
    monkeypatch.setenv("YINGSHANG_ADMIN_PASSWORD", "First-Admin-Pass9")


def test_first_secadmin_is_created_and_audited(db, admin_password, capsys):
    call_command("create_admin_account", "sec1", "--real-name", "安全员")
    user = User.objects.get(username="sec1")
    assert user.role_codes == {r.SECADMIN} and user.must_change_password
    assert user.check_password("First-Admin-Pass9")
    record = AuditRecord.objects.get(action="command.admin_account_bootstrap")
    assert record.object_id == str(user.pk) and record.after["duty"] == r.SECADMIN
    assert "已创建安全管理员账号 sec1" in capsys.readouterr().out


def test_second_secadmin_needs_the_flag(db, admin_password):
    call_command("create_admin_account", "sec1")
    with pytest.raises(CommandError, match="已有启用的安全管理员账号"):
        call_command("create_admin_account", "sec2")
    assert not User.objects.filter(username="sec2").exists()
    call_command("create_admin_account", "sec2", "--another")
    assert User.objects.get(username="sec2").role_codes == {r.SECADMIN}


def test_other_duties_and_weak_password(db, admin_password, monkeypatch):
    call_command("create_admin_account", "sys1", "--duty", "sysadmin")
    assert User.objects.get(username="sys1").role_codes == {r.SYSADMIN}
    monkeypatch.setenv("YINGSHANG_ADMIN_PASSWORD", "weak")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_admin_account", "aud1", "--duty", "auditor")
    assert not User.objects.filter(username="aud1").exists()


def test_recover_factor_removes_devices_audited_and_told(make_user):
    user = make_user(r.SECADMIN, username="sec1")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    call_command("recover_factor", "sec1", "--reason", "手机遗失，本人到场核验身份")
    assert not TOTPDevice.objects.filter(user=user).exists()
    record = AuditRecord.objects.get(action="user.factor_reset", object_id=str(user.pk))
    assert record.actor_id is None and "手机遗失，本人到场核验身份" in record.detail
    assert Notification.objects.filter(recipient=user, kind="account_security").exists()


def test_recover_factor_refuses_unknown_account_and_empty_reason(make_user):
    user = make_user(r.OFFICE, username="off1")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="不存在"):
        call_command("recover_factor", "nobody", "--reason", "x")
    with pytest.raises(CommandError, match="--reason"):
        call_command("recover_factor", "off1", "--reason", " ")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert not AuditRecord.objects.filter(action="user.factor_reset").exists()
