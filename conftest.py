"""Fixtures shared by every app's tests. Data is built through services, as users would build it."""

import itertools

import pytest
from django.conf import settings

from yingshang.org import roles as r
from yingshang.org import services as org_services

PASSWORD = "Test-Passw0rd!"
_codes = itertools.count(1)


@pytest.fixture
def make_department(db):
    def make(name: str | None = None, *, parent=None, kind="city", short_name="", aliases=None, code=None):
        n = next(_codes)
        return org_services.department_create(
            actor=None,
            code=code or f"D{n:04d}",
            name=name or f"示例市测试局{n}",
            short_name=short_name,
            aliases=aliases or [],
            kind=kind,
            parent=parent,
        )

    return make


@pytest.fixture
def make_user(db, make_department):
    def make(*roles: str, department=None, username: str | None = None, enterprise=None, **extra):
        n = next(_codes)
        if department is None and set(roles) & r.DEPARTMENT_ROLES:
            department = make_department()
        return org_services.user_create(
            actor=None,
            username=username or f"user{n}",
            password=PASSWORD,
            real_name=f"测试用户{n}",
            roles=set(roles),
            department=department,
            must_change_password=False,
            enterprise=enterprise,
            **extra,
        )

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(r.OFFICE)


@pytest.fixture
def login(client):
    """Sign `user` in on the test client, past the password-change and second-factor gates."""

    def do(user, c=None):
        c = c or client
        c.force_login(user)
        if user.has_role(*settings.OTP_REQUIRED_ROLES):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = c.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return c

    return do


@pytest.fixture(autouse=True)
def audit_witness_file(settings, tmp_path):
    """Each test keeps its own audit witness, the file outside the database that every sealing appends to:
    a database of one test must not be judged against the witness lines of another."""
    path = tmp_path / "audit-witness.jsonl"
    settings.YINGSHANG_AUDIT_WITNESS = str(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def urls_loaded_before_any_frozen_clock():
    """The API's schemas are built when the URLconf is first imported. A test that first reaches it under
    freezegun would hand pydantic the fake date class, which it refuses; so every process loads it first."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the import is the point)
