import pytest
from django.db import connection

from yingshang.core.credit_code import check_character, credit_code_error
from yingshang.core.crypto import PREFIX, blind_index, decrypt, encrypt
from yingshang.core.masking import mask_id_number, mask_phone
from yingshang.org import roles as r


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91370100MA3C8XYR28", " 91350100m000100y43 "])
def test_valid_credit_codes(code):
    assert credit_code_error(code) is None


def test_check_character():
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "统一社会信用代码校验位不正确，请核对。"),
        ("91350100M000100Y4", "统一社会信用代码应为18位。"),
        ("", "统一社会信用代码应为18位。"),
        ("91350100I000100Y43", "统一社会信用代码含有无效字符“I”（不使用 I、O、Z、S、V）。"),
        ("9135010OM000100Y43", "统一社会信用代码含有无效字符“O”（不使用 I、O、Z、S、V）。"),
        ("91350100-00100Y431", "统一社会信用代码含有无效字符“-”（不使用 I、O、Z、S、V）。"),
    ],
)
def test_invalid_credit_codes(code, message):
    assert credit_code_error(code) == message


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("", ""),
        (None, ""),
        ("12345", "*****"),
        ("1234567", "***4567"),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_mask_id_number():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("12345678") == "********"
    assert mask_id_number("") == ""


def test_encrypt_round_trip_and_random_nonce():
    a, b = encrypt("13812345678"), encrypt("13812345678")
    assert a.startswith(PREFIX) and a != b and "13812345678" not in a
    assert decrypt(a) == decrypt(b) == "13812345678"
    assert encrypt("") == "" and decrypt("") == ""
    assert decrypt("legacy plain") == "legacy plain"


def test_stored_mobile_is_ciphertext(make_user):
    user = make_user(r.LIAISON, mobile="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM org_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith(PREFIX) and "13812345678" not in stored
    user.refresh_from_db()
    assert user.mobile == "13812345678"


def test_blind_index():
    assert blind_index("91350100M000100Y43") == blind_index(" 91350100m000100y43 ")
    assert blind_index("13812345678") != blind_index("13812345679")
    assert len(blind_index("x")) == 64 and "x" not in blind_index("x")
    assert blind_index("") == ""
