"""Issue 13.4: every link a role (or an anonymous visitor) can follow leads somewhere: no 404, no server error."""

import pytest

from .conftest import ANONYMOUS, PUBLIC_START, ROLES

# One worker loads the demo city once for every crawl (make test runs with --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl"), pytest.mark.slow]


@pytest.mark.parametrize("account", ROLES)
def test_every_link_reachable_by_the_account_answers(crawled, account):
    visits = crawled(account)
    assert len(visits) > (len(PUBLIC_START) if account == ANONYMOUS else 1)  # it went beyond the start
    dead = [
        f"{v.status} {v.url} (linked from {v.found_on or 'the start'})"
        for v in visits
        if v.status == 404 or v.status >= 500
    ]
    assert not dead, "dead links:\n" + "\n".join(dead)
