"""Demo: fill the dashboard's figures from the other apps' demo records."""

from typing import Any

from .figures import refresh


def seed(ctx: dict[str, Any]) -> None:
    refresh()
