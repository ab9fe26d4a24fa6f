"""Issue 13.12: every code a person sees is shown by its Chinese label. Each page a role reaches and each
workbook and Word document it downloads is read as the person sees it, and fails on anything shaped like a
program identifier: snake_case (`not_started`), dotted names (`auth.login`, `ledger.task`), prefixed codes
(`new:州委编办`) and the stored codes of roles and of every choice field (`office`, `help`). Allowed: addresses
(URLs, e-mail), file names, the user names of the accounts, and the audit trail's before/after change records,
kept verbatim as JSON for the auditor."""

import re

import pytest
from django.apps import apps

from yingshang.org.models import User
from yingshang.org.roles import ROLE_BITS

from .conftest import ROLES

# One worker loads the demo city once for every crawl (make test runs with --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl"), pytest.mark.slow]

ALLOWED = [
    re.compile(r"^\{.*\}$", re.MULTILINE),  # an audit record's before/after values (a JSON object per line)
    re.compile(r"https?://\S+"),
    re.compile(r"(?<![\w.])/[\w\-./?=&%]*"),  # a path shown as text
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(  # file names, and file types as in “支持 .xlsx、.csv”
        r"[^\s/\\:*?\"<>|，。、；：（）]*\.(?:pdf|docx?|xlsx?|xlsm|csv|png|jpe?g|zip|txt)\b", re.IGNORECASE
    ),
]
NOT_LETTER = r"(?<![A-Za-z0-9_])"
SHAPES = [
    re.compile(rf"{NOT_LETTER}[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])"),  # snake_case
    re.compile(rf"{NOT_LETTER}[a-z][a-z_]*(?:\.[a-z_]+)+(?![A-Za-z0-9_])"),  # dotted names
    re.compile(rf"{NOT_LETTER}[a-z]+:(?=\S)"),  # a code prefix such as new:
]


def stored_codes() -> set[str]:
    """Role codes and the stored values of every choice field: lower-case words nobody should read."""
    codes = set(ROLE_BITS)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    codes.add(value)
    return codes


def leaks(text: str, codes_pattern: re.Pattern, user_names: set[str]) -> set[str]:
    for allowed in ALLOWED:
        text = allowed.sub(" ", text)
    found = {m.group(0) for shape in (*SHAPES, codes_pattern) for m in shape.finditer(text)}
    return found - user_names


@pytest.mark.parametrize("account", ROLES)
def test_pages_and_exports_show_no_program_codes(crawled, account):
    visits = crawled(account)
    codes = re.compile(
        rf"{NOT_LETTER}(?:{'|'.join(sorted(stored_codes(), key=len, reverse=True))})(?![A-Za-z0-9_])"
    )
    user_names = set(User.objects.values_list("username", flat=True))
    found = []
    for visit in visits:
        seen = leaks(visit.text, codes, user_names)
        if seen:
            found.append(f"{visit.kind} {visit.url}: {', '.join(sorted(seen))}")
    assert not found, "codes shown to a person:\n" + "\n".join(found)
