"""Issue 13.2: a session that ends while a page is open (here: its expiry date passes on the server) sends the
whole page to the sign-in page at the next background request, instead of pasting the sign-in page into the top
bar; the page then stops polling."""

import pytest

from .conftest import page_copies, requests_during, screenshot
from .signin import sign_in

pytestmark = pytest.mark.browser

BADGE_POLL_SECONDS = 60  # notify/_badge.html: hx-trigger="every 60s"


def test_expired_session_sends_the_whole_page_to_sign_in(new_page, served_app):
    page = new_page()
    sign_in(page, served_app, "liaison")
    page.goto("/")
    page.wait_for_selector("#notify-badge")
    served_app.shell(
        "from django.contrib.sessions.models import Session\n"
        "from django.utils import timezone\n"
        "user_id = str(User.objects.get(username='liaison').pk)\n"
        "for session in Session.objects.filter(expire_date__gt=timezone.now()):\n"
        "    if session.get_decoded().get('_auth_user_id') == user_id:\n"
        "        session.expire_date = timezone.now() - timezone.timedelta(seconds=1)\n"
        "        session.save()"
    )

    page.wait_for_url("**/accounts/login/**", timeout=(BADGE_POLL_SECONDS + 20) * 1000)
    page.wait_for_selector("#id_username")
    assert page_copies(page) == (0, 1)  # the sign-in page alone: no top bar, one main area
    assert page.locator("#id_username").count() == 1
    assert len(requests_during(page, 5)) == 0  # nothing polls on the sign-in page
    screenshot(page, "session_end")
