"""The demo city (`seed_demo`) loaded once for every test of this package — the crawls and the checks of the
demo itself — and rolled back after them; each role's crawl done once and shared by the tests that read it.
The tests are in one xdist group, so one worker loads the city, and marked `slow` (loading it is most of a
minute's work): `make test` runs them, `make test-fast` does not."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from yingshang.org import services as org_services
from yingshang.org.demo import ACCOUNTS
from yingshang.org.models import User
from yingshang.org.roles import ROLE_BITS

from .crawler import Visit, crawl

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *(username for username, *_ in ACCOUNTS)]
# The public form is not a start page: it must be reached from the sign-in page's link.
PUBLIC_START = ["/accounts/login/", "/appeals/track/"]


def signed_in_as(account: str) -> str:
    """The user name of a demo account during the crawl: demo accounts named after their role get a suffix, so
    that a role code on a page is not mistaken for a user name."""
    return f"{account}01" if account in ROLE_BITS else account


@pytest.fixture(scope="package")
def demo_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with pytest.MonkeyPatch.context() as patch:  # the accounts get their crawl names as they are created
            create = org_services.user_create
            patch.setattr(
                org_services,
                "user_create",
                lambda **kw: create(**{**kw, "username": signed_in_as(kw["username"])}),
            )
            call_command("seed_demo", "--if-empty", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="package")
def _crawls() -> dict[str, list[Visit]]:
    return {}


@pytest.fixture
def crawled(demo_city, _crawls, login):
    """The visits of `account` (a demo user name, or "anonymous"), crawled on first use."""

    def get(account: str) -> list[Visit]:
        if account not in _crawls:
            client = Client()
            if account == ANONYMOUS:
                _crawls[account] = crawl(client, PUBLIC_START)
            else:
                login(User.objects.get(username=signed_in_as(account)), client)
                _crawls[account] = crawl(client, ["/"])
        return _crawls[account]

    return get
