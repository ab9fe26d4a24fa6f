"""Finding 12.9 as an attacker meets it: public submissions and tracking lookups are limited per client
address, in the store every worker shares; the address comes from a trusted proxy's header only."""

import re

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings
from django.urls import reverse

from yingshang.appeals.models import Appeal
from yingshang.appeals.tests.conftest import intake
from yingshang.core import ratelimit
from yingshang.core.cache import AtomicDatabaseCache
from yingshang.core.http import client_address
from yingshang.core.office_settings import office_setting_change

PROXY = "10.0.0.5"
DIGITS = "零一二三四五六七八九"


DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Counters of one test must not leak into the next, so the shared cache's table is emptied around
    every test that uses the database (outside its transaction, which a counter may have outlived). A test
    without the database must not touch it: pytest-django creates the test database only for a run that
    has a database test, so the unguarded clear failed alone ("no such table") or emptied the real one."""
    if not (DATABASE_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        cache.clear()
    yield
    with blocker.unblock():
        cache.clear()


def form(n: int, **extra) -> dict:
    # Distinct parties and texts: the counter, not duplicate detection, is what is tested.
    return {**intake(contact_phone=f"1391234{n:04d}"), "consent": "on", **extra}


def submit(client, n: int, **meta):
    return client.post(reverse("appeals:submit"), form(n, **meta.pop("extra", {})), **meta)


def chinese_number(text: str) -> int:
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def solve(page: str) -> tuple[str, str]:
    """What a person reads on the page: the question's token and its answer."""
    token_match = re.search(r'name="challenge_token" value="([^"]+)"', page)
    question = re.search(r"验证问题：(\w+?)([加减])(\w+?)等于多少", page)
    assert token_match and question, "the page shows no challenge"
    token = token_match.group(1)
    a, op, b = question.groups()
    answer = chinese_number(a) + chinese_number(b) if op == "加" else chinese_number(a) - chinese_number(b)
    return token, str(answer)


def test_the_shared_cache_is_the_database_with_an_atomic_increment(db):
    assert isinstance(caches["default"], AtomicDatabaseCache)
    cache.set("expiring", 5, 3600)
    assert cache.incr("expiring", 2) == 7 and cache.decr("expiring") == 6
    with pytest.raises(ValueError):
        cache.incr("never-set")


def test_eleventh_anonymous_submission_from_one_address_needs_the_challenge(client, db):
    for n in range(10):
        assert submit(client, n, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert Appeal.objects.count() == 10

    refused = submit(client, 10, REMOTE_ADDR="203.0.113.9")
    page = refused.content.decode()
    assert refused.status_code == 200 and "请回答验证问题" in page and "验证问题：" in page
    assert Appeal.objects.count() == 10

    token, answer = solve(page)
    wrong = submit(
        client, 10, REMOTE_ADDR="203.0.113.9", extra={"challenge_token": token, "challenge_answer": "-1"}
    )
    assert "验证问题回答不正确" in wrong.content.decode() and Appeal.objects.count() == 10
    # A token answers once, right or wrong: the right answer to a spent question is refused too.
    again = submit(
        client, 10, REMOTE_ADDR="203.0.113.9", extra={"challenge_token": token, "challenge_answer": answer}
    )
    assert "验证问题回答不正确" in again.content.decode() and Appeal.objects.count() == 10

    token, answer = solve(again.content.decode())
    passed = submit(
        client, 10, REMOTE_ADDR="203.0.113.9", extra={"challenge_token": token, "challenge_answer": answer}
    )
    assert passed.status_code == 302 and Appeal.objects.count() == 11
    replay = submit(
        client, 11, REMOTE_ADDR="203.0.113.9", extra={"challenge_token": token, "challenge_answer": answer}
    )
    assert replay.status_code == 200 and Appeal.objects.count() == 11


def test_the_limit_is_an_office_setting_and_shown_on_arrival(client, db, office_user):
    office_setting_change(actor=office_user, key="appeals.submit_limit_per_ip", raw_value="2")
    for n in range(2):
        assert submit(client, n, REMOTE_ADDR="203.0.113.9").status_code == 302
    # The next visit shows the question before anything is typed.
    assert "验证问题：" in client.get(reverse("appeals:submit"), REMOTE_ADDR="203.0.113.9").content.decode()
    assert (
        "验证问题：" not in client.get(reverse("appeals:submit"), REMOTE_ADDR="203.0.113.10").content.decode()
    )


@override_settings(YINGSHANG_TRUSTED_PROXIES=[PROXY])
def test_two_citizens_behind_a_trusted_proxy_have_separate_budgets(client, db, office_user):
    office_setting_change(actor=office_user, key="appeals.submit_limit_per_ip", raw_value="3")
    for n in range(3):
        assert submit(client, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    blocked = submit(client, 3, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert "验证问题：" in blocked.content.decode() and Appeal.objects.count() == 3
    other = submit(client, 4, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302 and Appeal.objects.count() == 4


@override_settings(YINGSHANG_TRUSTED_PROXIES=[PROXY])
def test_a_forged_forwarded_for_does_not_buy_a_new_budget(client, db, office_user):
    office_setting_change(actor=office_user, key="appeals.submit_limit_per_ip", raw_value="3")
    # Straight to the app (an untrusted peer): the header is the attacker's own text and is ignored.
    for n in range(3):
        forged = f"192.0.2.{n}"
        assert submit(client, n, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forged).status_code == 302
    blocked = submit(client, 3, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert "验证问题：" in blocked.content.decode()
    # Through the proxy: the proxy appends the real peer; what the client wrote to its left is ignored.
    for n in range(3):
        chain = f"192.0.2.{n}, 198.51.100.7"
        assert submit(client, 10 + n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain).status_code == 302
    blocked = submit(client, 13, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7")
    assert "验证问题：" in blocked.content.decode()
    assert Appeal.objects.count() == 6


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "198.51.100.7", "203.0.113.9"),
        (["10.0.0.0/8"], "203.0.113.9", "198.51.100.7", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", "", "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "not-an-address", "10.0.0.5"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2400:cb00::1", "2400:cb00::1"),
    ],
)
def test_client_address_believes_only_trusted_proxies(trusted, peer, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(YINGSHANG_TRUSTED_PROXIES=trusted):
        assert client_address(request) == expected


@override_settings(YINGSHANG_TRUSTED_PROXIES=[PROXY])
def test_tracking_lookups_are_limited_per_citizen_behind_the_proxy(client, db, office_user):
    office_setting_change(actor=office_user, key="appeals.track_limit_per_ip", raw_value="3")
    url = reverse("appeals:track")
    for n in range(3):
        answer = client.post(
            url,
            {"code": f"YS000000AAA{n}", "last4": "1234"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",
        )
        assert answer.status_code == 200 and "未找到" in answer.content.decode()
    blocked = client.post(
        url, {"code": "YS000000AAA9", "last4": "1234"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert blocked.status_code == 429 and "查询过于频繁" in blocked.content.decode()
    other = client.post(
        url, {"code": "YS000000AAA9", "last4": "1234"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 200


def test_a_found_appeal_does_not_use_the_code_budget(client, db, submit_appeal):
    appeal = submit_appeal(contact_phone="13912348888")
    url = reverse("appeals:track")
    for _ in range(8):  # more than the 5 failures a code may have
        found = client.post(url, {"code": appeal.tracking_code, "last4": "8888"})
        assert found.status_code == 200 and appeal.title in found.content.decode()
    for _ in range(5):
        client.post(url, {"code": appeal.tracking_code, "last4": "0000"})
    blocked = client.post(url, {"code": appeal.tracking_code, "last4": "8888"})
    assert blocked.status_code == 429 and appeal.title not in blocked.content.decode()
    assert ratelimit.count("appeal-track-code", appeal.tracking_code) == 5


@pytest.fixture
def submit_appeal(db):
    from yingshang.appeals import services

    return lambda **overrides: services.appeal_submit(actor=None, data=intake(**overrides))
