"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium; never a downloaded browser)
against the served app (`served_app`: gunicorn with 3 workers, the job worker and the scheduler on a throwaway
database, the second factor required). Every journey signs in through the login page (and the second-factor
page where the role needs it), reads the served database through manage.py, and leaves a screenshot under
var/screenshots/."""

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
def new_page(chromium, served_app):  # noqa: F811  (the fixture imported above)
    contexts = []

    def make(viewport: dict[str, int] | None = None, **options):
        context = chromium.new_context(
            base_url=served_app.url,
            locale="zh-CN",
            viewport=viewport or {"width": 1366, "height": 900},
            **options,
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


def requests_during(page, seconds: float) -> list[str]:
    """The requests the page makes while it stays open for `seconds` (polling, fragments, assets)."""
    made: list[str] = []
    page.on("request", lambda request: made.append(request.url))
    page.wait_for_timeout(seconds * 1000)
    return made


def page_copies(page) -> tuple[int, int]:
    """(top bars, main areas): a page pasted into itself shows more than one of either."""
    return page.locator("nav.navbar").count(), page.locator("main").count()
