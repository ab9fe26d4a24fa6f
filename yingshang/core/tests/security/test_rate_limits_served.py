"""Finding 12.9 on the real topology: the public form's limit holds across the three gunicorn workers of
`scripts/serve.sh` (the served app), because the counter lives in the store they share. No test database is
involved: the served app has its own, read through `served_app.query`."""

import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests.adapters import HTTPAdapter

from yingshang.core.tests.security.test_rate_limits import form
from yingshang.core.tests.served import served_app  # noqa: F401  (the app as make run serves it)


class _FromAddress(HTTPAdapter):
    """Connects from a loopback address of its own (all of 127.0.0.0/8 is this machine), so the test has a
    budget no other test of the served app has used."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _submit_over_http(base: str, address: str, n: int) -> int:
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    page = session.get(f"{base}/appeals/submit/", timeout=60).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/appeals/submit/",
        data={**form(n), "title": f"跨进程限流验证{n}", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=120,
    )
    return response.status_code


@pytest.mark.browser  # runs with the other tests of the served app (scripts/serve.sh: gunicorn with 3 workers)
def test_the_submission_limit_holds_across_three_gunicorn_workers(served_app):  # noqa: F811
    """Twenty submissions from one address, six at a time, to the app as `make run` serves it: the budget
    of 10 is counted once for all three workers (a per-process cache would let up to 30 through), and
    exactly 10 appeals are created."""
    address = f"127.0.{random.randint(1, 254)}.{random.randint(1, 254)}"
    created = "Appeal.objects.filter(title__startswith='跨进程限流验证').count()"
    before = served_app.query(created)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda n: _submit_over_http(served_app.url, address, n), range(20)))
    # Past the budget the form comes back with the question (200), or 429 when a concurrent request took
    # the last place between the check and the count.
    assert statuses.count(302) == 10 and set(statuses) <= {302, 200, 429}, statuses
    assert served_app.query(created) - before == 10
