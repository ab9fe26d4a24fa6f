"""Findings of issue 12 item 12: /api/docs loaded Swagger UI from a CDN, and production sent neither a
Content-Security-Policy nor HSTS. The production settings are loaded as a deployment would load them and
their values applied to real requests."""

import importlib
import re

import pytest
from django.test import override_settings

from yingshang.org import roles as r

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "YINGSHANG_FIELD_KEY": "00112233445566778899aabbccddeeff",
    "YINGSHANG_HASH_KEY": "ffeeddccbbaa99887766554433221100",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}
HEADER_SETTINGS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "CONTENT_SECURITY_POLICY",
)
# A script or stylesheet (or icon) fetched from anywhere but this site.
EXTERNAL_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


@pytest.fixture
def production_headers(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)
    return {name: getattr(production, name) for name in HEADER_SETTINGS}


def test_production_sends_hsts_and_a_self_only_csp(client, db, production_headers):
    policy = production_headers["CONTENT_SECURITY_POLICY"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    for source in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert directives[source].split()[0] == "'self'" and "http" not in directives[source], source
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    with override_settings(**production_headers):
        response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Content-Security-Policy"] == policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_docs_serve_swagger_ui_from_this_site(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert not EXTERNAL_ASSET.search(page), EXTERNAL_ASSET.search(page)


def test_no_page_loads_scripts_or_styles_from_elsewhere(client, make_user, login):
    pages = {
        "/accounts/login/": client.get("/accounts/login/"),
        "/appeals/submit/": client.get("/appeals/submit/"),
    }
    signed_in = login(make_user(r.OFFICE))
    for url in ("/", "/notify/", "/ledger/", "/appeals/", "/dashboard/"):
        pages[url] = signed_in.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert not EXTERNAL_ASSET.search(response.content.decode()), url
