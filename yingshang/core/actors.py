"""Who performs a service call. Services take `actor: Actor`: the signed-in account (or the anonymous
visitor of a public page), or None for the server console (seed data, management commands, jobs acting
for nobody). What an actor may do is asked of each app's `permissions` module, never of the actor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from yingshang.org.models import User


class ActingUser(Protocol):
    """What every service may rely on: an identity (None for the anonymous visitor) and whether it is
    signed in. `request.user` satisfies it, whatever the user model."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...


Actor: TypeAlias = ActingUser | None


def account_of(actor: Actor) -> User | None:
    """The account to record as the one who acted: None for the console and for an anonymous visitor."""
    from yingshang.org.models import User

    return actor if isinstance(actor, User) else None
