from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from yingshang.org.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: `user` is a signed-in account."""

    user: "User"  # type: ignore[assignment]
