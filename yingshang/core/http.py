from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

if TYPE_CHECKING:
    from yingshang.org.models import User

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: `user` is a signed-in account."""

    user: User  # type: ignore[assignment]


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"YINGSHANG_TRUSTED_PROXIES: {exc}") from exc


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the person behind a request, for rate limits, the audit trail and the sign-in
    lock-out. X-Forwarded-For is believed only when the peer is one of YINGSHANG_TRUSTED_PROXIES, and then
    only up to the right-most address that is not itself a trusted proxy: everything left of it was written
    by the client and may be forged."""
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.YINGSHANG_TRUSTED_PROXIES))

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    peer_address = _address(peer)
    if peer_address is None or not trusted(peer_address):
        return peer
    client = peer
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            break  # a trusted proxy never writes a malformed hop: stop at the last address it vouched for
        client = str(hop_address)
        if not trusted(hop_address):
            break
    return client
