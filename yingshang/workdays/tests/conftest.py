import pytest

from yingshang.workdays import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test starts from the calendar of its own database state."""
    calendar.invalidate()
    yield
    calendar.invalidate()
