"""The served app itself: gunicorn with several workers on its own database, the production sign-in rules,
manage.py reaching the same database, and the demo accounts signing in with their second factor."""

import subprocess

import pytest
import requests

pytestmark = pytest.mark.browser


def test_served_app_answers_on_its_own_seeded_database_with_the_factor_required(served_app):
    assert requests.get(f"{served_app.url}/accounts/login/", timeout=10).status_code == 200
    assert served_app.query("User.objects.filter(username='office').count()") == 1

    office = served_app.session("office")  # password, then the dynamic code of its bound device
    home = office.get(f"{served_app.url}/", timeout=10)
    assert home.status_code == 200 and "/accounts/" not in home.url

    password_only = requests.Session()
    password_only.get(f"{served_app.url}/accounts/login/", timeout=10)
    response = password_only.post(
        f"{served_app.url}/accounts/login/",
        data={
            "username": "office",
            "password": served_app.password,
            "csrfmiddlewaretoken": password_only.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert (
        "/accounts/otp/verify/" in response.url
    )  # the production rule is on: no data with the password alone
    group = subprocess.run(
        ["pgrep", "-g", str(served_app.process_group), "-f", "gunicorn config.wsgi"],
        capture_output=True,
        text=True,
    )
    assert len(group.stdout.split()) == 4  # the arbiter and its 3 workers
    # `make run` is quiet by default (VERBOSE=1 for more): no access-log line for the requests above
    assert "GET /accounts/login/" not in served_app.log()
