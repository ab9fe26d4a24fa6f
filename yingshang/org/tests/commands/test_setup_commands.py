"""No Django superuser outside development; demo data never in production and loaded only once."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from yingshang.org.models import User


@pytest.mark.parametrize("environment", ["production", "test", "base"])
def test_createsuperuser_refused_outside_development(db, environment):
    with (
        override_settings(YINGSHANG_ENVIRONMENT=environment),
        pytest.raises(CommandError, match="只有开发环境"),
    ):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com")
    with override_settings(YINGSHANG_ENVIRONMENT=environment), pytest.raises(CommandError):
        User.objects.create_superuser("root2", "r@example.com", "Whatever-2026!")
    assert not User.objects.filter(is_superuser=True).exists()


def test_createsuperuser_allowed_in_development(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Dev-Only-Passw0rd")
    with override_settings(YINGSHANG_ENVIRONMENT="development"):
        call_command("createsuperuser", "--noinput", "--username", "devroot", "--email", "d@example.com")
    assert User.objects.get(username="devroot").is_superuser


@override_settings(YINGSHANG_ENVIRONMENT="production")
def test_seed_demo_refuses_in_production(db):
    with pytest.raises(CommandError, match="不能在生产环境运行"):
        call_command("seed_demo")
    assert not User.objects.exists()


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"org", "core", "workdays", "ledger", "appeals", "supervision", "assessment"}
    }


@pytest.mark.slow
def test_seed_demo_second_run_keeps_every_record(db, capsys):
    call_command("seed_demo", "--if-empty")
    first = _counts()
    from yingshang.org.demo import ACCOUNTS

    assert first["org.Department"] >= 40
    assert set(User.objects.values_list("username", flat=True)) >= {a[0] for a in ACCOUNTS}
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", "--if-empty")
    assert _counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "已有数据，跳过演示数据加载" in capsys.readouterr().out
    with pytest.raises(CommandError, match="只能加载到空数据库"):
        call_command("seed_demo")


def test_demo_accounts_need_no_change_and_no_second_factor_in_development(db, client):
    from django.urls import reverse

    from yingshang.org import demo

    call_command("seed_demo")
    # Smart dispatch can be shown: the demo trains a model from its own history.
    from yingshang.appeals.models import Appeal
    from yingshang.routing import services as routing

    handled = Appeal.objects.exclude(main_department=None).order_by("id").first()
    assert handled is not None
    assert routing.suggest_departments(f"{handled.title}\n{handled.description}")
    with override_settings(OTP_REQUIRED_ROLES=[]):
        for username, *_ in demo.ACCOUNTS:
            client.post(reverse("org:login"), {"username": username, "password": demo.DEMO_PASSWORD})
            # follow: the leader lands on the cockpit
            assert client.get("/", follow=True).status_code == 200, username
            client.post(reverse("org:logout"))
