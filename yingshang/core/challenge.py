"""A question the app asks itself when an address has used its budget on a public form: simple arithmetic
written in Chinese numerals. The answer stays on the server (the shared cache) under a random token; each
token can be answered once, right or wrong."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache

LIFETIME_SECONDS = 900
DIGITS = "零一二三四五六七八九"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str


def chinese_number(n: int) -> str:
    """0–99 in Chinese numerals: 7 → 七, 12 → 十二, 40 → 四十, 35 → 三十五."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def issue() -> Challenge:
    a, b = 10 + secrets.randbelow(40), 1 + secrets.randbelow(9)
    if secrets.randbelow(2):
        question, answer = f"{chinese_number(a)}加{chinese_number(b)}等于多少？", a + b
    else:
        question, answer = f"{chinese_number(a)}减{chinese_number(b)}等于多少？", a - b
    token = secrets.token_urlsafe(16)
    cache.set(f"challenge:{token}", answer, LIFETIME_SECONDS)
    return Challenge(token=token, question=question)


def passes(token: str, answer: str) -> bool:
    """Whether `answer` (Arabic digits) answers the challenge `token`; the token is spent either way, and only
    one of two requests racing with the same token can spend it."""
    if not TOKEN.fullmatch(token):
        return False
    key = f"challenge:{token}"
    expected = cache.get(key)
    if expected is None or not cache.delete(key):
        return False
    return answer.strip() == str(expected)
