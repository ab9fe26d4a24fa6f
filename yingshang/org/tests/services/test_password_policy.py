"""Password policy: length, three of four character classes, not the username, not one of the last five."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from yingshang.core.errors import ValidationFailed
from yingshang.org import roles as r
from yingshang.org import services
from yingshang.org.models import PasswordHistory


def _codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return sorted(e.code for e in exc.error_list)
    return []


def test_length_and_classes(make_user):
    user = make_user(r.LIAISON, username="li")
    assert _codes("Ab1!xyzq", user) == ["password_too_short"]  # 8 < 10
    assert _codes("abcdefghijkz", user) == ["password_classes"]  # one class
    assert _codes("abcdefghij12", user) == ["password_classes"]  # two classes
    assert _codes("abcdefgh12XY", user) == []  # lower, upper, digit
    assert _codes("abcdefgh12-!", user) == []  # lower, digit, symbol


def test_not_the_username(make_user):
    user = make_user(r.LIAISON, username="zhangwei")
    assert _codes("ZhangWei-2026", user) == ["password_contains_username"]
    with pytest.raises(ValidationFailed, match="密码不能包含账号名"):
        services.password_change(actor=user, user=user, new_password="xZHANGWEIx-9")


def test_not_one_of_the_last_five(make_user):
    from conftest import PASSWORD

    user = make_user(r.LIAISON)
    passwords = [f"Round-{n}-Passw0rd" for n in range(5)]
    for password in passwords:
        services.password_change(actor=user, user=user, new_password=password)
    assert PasswordHistory.objects.filter(user=user).count() == 6
    user.refresh_from_db()
    current = user.password
    # The five most recent (including the current one) are refused; the sixth-latest is allowed again.
    for password in passwords:
        with pytest.raises(ValidationFailed, match="不能使用最近 5 次用过的密码"):
            services.password_change(actor=user, user=user, new_password=password)
    user.refresh_from_db()
    assert user.password == current
    services.password_change(actor=user, user=user, new_password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_user_create_refuses_weak_password(db):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=None, username="weak", password="password")
    assert "密码不符合要求" in exc.value.message


@pytest.mark.parametrize("username", ["q", "yz", "Y", "k1"])
def test_generated_passwords_satisfy_the_policy(make_user, username):
    user = make_user(r.LEADER, username=username)
    for _ in range(30):
        assert _codes(services.generate_password(username), user) == []
