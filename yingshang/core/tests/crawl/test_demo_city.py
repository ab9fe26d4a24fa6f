"""The demo city as `seed_demo` loads it (shared with the crawls, loaded once): a second run keeps every
record, every demo account signs in without a password change or a second factor in development, and smart
dispatch has a model to suggest from."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from yingshang.org import demo
from yingshang.org.models import User

from .conftest import signed_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl"), pytest.mark.slow]


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"org", "core", "workdays", "ledger", "appeals", "supervision", "assessment"}
    }


def test_seed_demo_second_run_keeps_every_record(demo_city, capsys):
    first = _counts()
    assert first["org.Department"] >= 40
    assert set(User.objects.values_list("username", flat=True)) >= {signed_in_as(a[0]) for a in demo.ACCOUNTS}
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", "--if-empty")
    assert _counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "已有数据，跳过演示数据加载" in capsys.readouterr().out
    with pytest.raises(CommandError, match="只能加载到空数据库"):
        call_command("seed_demo", stdout=io.StringIO())


def test_demo_accounts_need_no_change_and_no_second_factor_in_development(demo_city, client):
    # Smart dispatch can be shown: the demo trains a model from its own history.
    from yingshang.appeals.models import Appeal
    from yingshang.routing import services as routing

    handled = Appeal.objects.exclude(main_department=None).order_by("id").first()
    assert handled is not None
    assert routing.suggest_departments(f"{handled.title}\n{handled.description}")
    with override_settings(OTP_REQUIRED_ROLES=[]):
        for username, *_ in demo.ACCOUNTS:
            client.post(
                reverse("org:login"), {"username": signed_in_as(username), "password": demo.DEMO_PASSWORD}
            )
            # follow: the leader lands on the cockpit
            assert client.get("/", follow=True).status_code == 200, username
