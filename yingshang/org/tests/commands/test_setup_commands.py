"""No Django superuser outside development; demo data never in production and loaded only once."""

import pytest
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
