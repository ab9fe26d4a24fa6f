"""Fixtures for the appeals tests: departments, users of every role, and appeals walked to any state
through the services."""

import itertools
import random

import pytest
from django.core.cache import cache

from yingshang.appeals import services
from yingshang.appeals.models import Appeal
from yingshang.core.credit_code import ALPHABET, check_character
from yingshang.org import roles as r
from yingshang.org import services as org_services

_serial = itertools.count(1)


def credit_code(n: int) -> str:
    first17 = f"91370100MA{n:07d}"
    first17 = "".join(ch if ch in ALPHABET else "0" for ch in first17)
    return first17 + check_character(first17)


@pytest.fixture(autouse=True)
def _clear_cache(django_db_setup, django_db_blocker):
    # The shared cache is a table of the test database (outside the models, so no flush empties it):
    # counters of one test must not spill into the next, whichever database fixture the test uses.
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def dept(make_department):
    return make_department("示例市测试主办局")


@pytest.fixture
def other_dept(make_department):
    return make_department("示例市测试另一局")


@pytest.fixture
def liaison(make_user, dept):
    return make_user(r.LIAISON, department=dept)


@pytest.fixture
def other_liaison(make_user, other_dept):
    return make_user(r.LIAISON, department=other_dept)


@pytest.fixture
def enterprise(db):
    return org_services.enterprise_create(actor=None, credit_code=credit_code(1), name="示例测试科技有限公司")


@pytest.fixture
def ent_user(make_user, enterprise):
    return make_user(r.ENTERPRISE, enterprise=enterprise)


def random_text(seed: int, length: int = 40) -> str:
    """Distinct Chinese text per seed, so unrelated test appeals are never linked as duplicates."""
    rng = random.Random(seed)
    return "诉求：" + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def intake(**overrides):
    n = next(_serial)
    data = {
        "enterprise_name": "示例测试科技有限公司",
        "credit_code": credit_code(1),
        "contact_name": "王经理",
        "contact_phone": "13912345678",
        "category": "help",
        "title": f"诉求{n}",
        "description": random_text(n),
    }
    data.update(overrides)
    return data


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(service, **kwargs): call a service and run its on-commit work (the similarity index feed,
    the automatic-dispatch job) right away, as after a real commit."""

    def do(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return do


@pytest.fixture
def submit(db):
    def do(actor=None, **overrides):
        return services.appeal_submit(actor=actor, data=intake(**overrides))

    return do


@pytest.fixture
def walk(submit, office_user, liaison, dept):
    """walk(state) -> a fresh appeal in `state`, built step by step through the services."""

    def do(state: str, **overrides) -> Appeal:
        appeal = submit(**overrides)
        if state == "submitted":
            return appeal
        if state == "closed":
            services.appeal_close_invalid(actor=office_user, appeal=appeal, reason="spam", note="广告信息")
            return appeal
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
        if state == "dispatched":
            return appeal
        if state == "returned":
            services.appeal_return(actor=liaison, appeal=appeal, reason="function", note="")
            return appeal
        services.appeal_sign(actor=liaison, appeal=appeal)
        if state == "signed":
            return appeal
        services.appeal_reply(actor=liaison, appeal=appeal, content="已协调市政部门修复厂区门前道路。")
        if state == "replied":
            return appeal
        services.appeal_follow_up(actor=office_user, appeal=appeal, satisfaction="satisfied", solved=True)
        assert state == "concluded"
        return appeal

    return do


ROLES = [*sorted(r.ALL_ROLES), "anonymous"]


@pytest.fixture
def users_by_role(make_user, enterprise, office_user):
    """users_by_role(department, **given) -> {role: user} for every role and an anonymous visitor; the
    department roles belong to `department`, the enterprise account to `enterprise`; `given` ones are used
    as they are (e.g. liaison=...)."""

    def do(department, **given):
        from django.contrib.auth.models import AnonymousUser

        users = {"anonymous": AnonymousUser(), r.OFFICE: office_user, **given}
        for role in r.ALL_ROLES - set(users):
            if role in r.DEPARTMENT_ROLES:
                users[role] = make_user(role, department=department)
            elif role == r.ENTERPRISE:
                users[role] = make_user(role, enterprise=enterprise)
            else:
                users[role] = make_user(role)
        return users

    return do
