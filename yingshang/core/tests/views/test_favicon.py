"""Issue 13.14: the site has an icon: pages link it, and /favicon.ico (asked for by browsers regardless) leads to
it instead of a 404 on every page."""

from pathlib import Path

from django.contrib.staticfiles import finders


def test_pages_link_the_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg"' in page

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/core/favicon.svg"
    icon = finders.find("core/favicon.svg")
    assert icon and Path(icon).read_text(encoding="utf-8").startswith("<svg")
