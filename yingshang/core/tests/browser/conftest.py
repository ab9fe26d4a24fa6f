"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium; never a downloaded browser)
against pytest-django's live server. Every journey signs in through the login page (and the second-factor
page for the office) and leaves a screenshot under var/screenshots/."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from yingshang.core.tests.served import served_app  # noqa: F401  (the journeys' server)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a thread
# unless told the test knows what it is doing (the ORM calls here run between browser steps).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(
            "Chromium is not installed: apt-get install chromium (the journeys use /usr/bin/chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    contexts = []

    def make():
        context = chromium.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
