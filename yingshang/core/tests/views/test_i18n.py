"""The English switch: Django's set_language view, the header selector, and a compiled catalogue that
matches its source."""

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from yingshang.org import roles as r

LOCALE = Path(settings.BASE_DIR) / "yingshang" / "locale" / "en" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a simple .po file (single-line strings, as ours are)."""
    entries: dict[str, str] = {}
    msgid = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = ast.literal_eval(line[6:])
        elif line.startswith("msgstr ") and msgid:
            entries[msgid] = ast.literal_eval(line[7:])
            msgid = None
    return entries


def test_compiled_catalogue_matches_source():
    po = _po_entries(LOCALE / "django.po")
    with open(LOCALE / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    assert len(po) >= 30
    for msgid, msgstr in po.items():
        assert mo.gettext(msgid) == msgstr, msgid


def test_login_page_switches_to_english_and_back(client, db):
    page = client.get(reverse("org:login")).content.decode()
    assert 'action="/i18n/setlang/"' in page and '<html lang="zh-CN">' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("org:login")})
    assert response.status_code == 302 and response.url == reverse("org:login")
    page = client.get(reverse("org:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Business Environment Closed-Loop Platform" in page and ">Sign in</button>" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "营商环境闭环管理平台" in client.get(reverse("org:login")).content.decode()


def test_signed_in_header_and_sidebar_in_english(client, login, make_user):
    login(make_user(r.SYSADMIN))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("core:home")).content.decode()
    assert ">Sign out</button>" in page
    assert "Administration" in page and "Departments" in page and "Accounts" in page


def test_browser_language_is_ignored_until_the_user_switches(client, db):
    assert "yingshang.org.middleware.ExplicitLanguageMiddleware" in settings.MIDDLEWARE
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = client.get(reverse("org:login"), headers=english_browser).content.decode()
    assert "Sign in" not in page and "营商环境闭环管理平台" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("org:login"), headers=english_browser).content.decode()
