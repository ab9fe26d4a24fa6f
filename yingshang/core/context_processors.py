from django.http import HttpRequest

from .navigation import menu_for
from .workflow import user_roles


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": menu_for(user_roles(user), request.path)}
