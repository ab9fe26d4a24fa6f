"""Group robots (企业微信/钉钉群机器人) are reached only at addresses the office keeps, and only on the public
internet: a robot URL is an instruction to this server to open a connection, so it must never lead to
the server's own network (SSRF).

The rule, checked when the office saves an address and again right before every send:
- https only, no user name or password in the URL, the host named exactly in the office's allow-list;
- every address the host resolves to is a public unicast address (IPv4 and IPv6, including IPv4 inside
  IPv4-mapped, NAT64, 6to4 and Teredo IPv6 addresses, and numeric hosts such as `2130706433`);
- the connection is opened to the address that was checked (DNS is not asked twice), the certificate is
  verified against the host name, and a redirect is never followed.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import certifi
from urllib3 import HTTPSConnectionPool
from urllib3.connection import HTTPSConnection

from yingshang.core.errors import ValidationFailed
from yingshang.core.office_settings import get_setting

# The trust store for robot hosts (the public CAs that sign the official robot hosts).
CA_BUNDLE = certifi.where()

NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


class RobotAddressRefused(ValidationFailed):
    """The address breaks the rule above; nothing was sent and retrying will not help."""

    code = "notify.robot_address_refused"


@dataclass(frozen=True)
class RobotTarget:
    host: str
    port: int
    path: str  # path and query string, as sent in the request line
    address: str  # the checked IP address the connection goes to


def allowed_hosts() -> set[str]:
    raw = str(get_setting("notify_webhook_allowed_hosts"))
    return {h.strip().lower().rstrip(".") for h in raw.replace(",", " ").split() if h.strip()}


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver; tests replace this edge)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to an already checked address (tests replace this edge)."""
    return socket.create_connection((address, port), timeout=timeout)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64_PREFIX:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [e for e in embedded if e is not None]


def is_public_address(raw: str) -> bool:
    """A global unicast address: not private, loopback, link-local, shared, reserved, multicast or
    unspecified, in IPv4 or IPv6, nor an IPv6 address carrying such an IPv4 address."""
    try:
        ip = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return False
    inner: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner += _embedded_ipv4(ip)
    return all(
        a.is_global
        and not (a.is_multicast or a.is_private or a.is_loopback or a.is_link_local or a.is_reserved)
        and not a.is_unspecified
        for a in inner
    )


def check_robot_url(url: str) -> RobotTarget:
    """The robot at `url` if it may be reached now; RobotAddressRefused saying why otherwise."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port or 443
    except ValueError as exc:
        raise RobotAddressRefused("群机器人地址格式不正确。", fields={"url": ["地址格式不正确。"]}) from exc
    if parts.scheme != "https":
        raise RobotAddressRefused("群机器人地址必须以 https:// 开头。", fields={"url": ["须使用 https。"]})
    if parts.username is not None or parts.password is not None:
        raise RobotAddressRefused(
            "群机器人地址中不能包含用户名或密码。", fields={"url": ["地址格式不正确。"]}
        )
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or host not in allowed_hosts():
        raise RobotAddressRefused(
            f"“{host or url}”不在允许的群机器人域名中（可在系统设置“群机器人允许的域名”中查看）。",
            fields={"url": ["域名不在允许范围内。"]},
        )
    try:
        addresses = set(resolve(host, port))
    except (OSError, UnicodeError) as exc:
        raise RobotAddressRefused(
            f"无法解析域名“{host}”，请检查服务器的网络和域名解析。", fields={"url": ["域名无法解析。"]}
        ) from exc
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise RobotAddressRefused(
            f"域名“{host}”解析到内部或保留网络地址，已拒绝。", fields={"url": ["解析到内部地址。"]}
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return RobotTarget(host=host, port=port, path=path, address=sorted(addresses)[0])


class _PinnedHTTPSConnection(HTTPSConnection):
    """Connects to the checked address while TLS (SNI, certificate) still uses the host name."""

    def __init__(self, *args: Any, pinned_address: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address

    def _new_conn(self) -> socket.socket:
        return open_socket(self.pinned_address, self.port, self.timeout)  # type: ignore[arg-type]


class _PinnedPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


@dataclass(frozen=True)
class RobotAnswer:
    status: int
    body: bytes


def post_json(url: str, payload: dict[str, Any], *, timeout: float) -> RobotAnswer:
    """POST `payload` to the robot at `url` after checking it; redirects are returned, not followed.
    Raises RobotAddressRefused (no connection made), TimeoutError, or OSError/urllib3 errors."""
    target = check_robot_url(url)
    pool = _PinnedPool(
        target.host,
        target.port,
        timeout=timeout,
        retries=False,
        maxsize=1,
        cert_reqs=ssl.CERT_REQUIRED,
        ca_certs=CA_BUNDLE,
        pinned_address=target.address,
    )
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=True,
        )
    finally:
        pool.close()
    return RobotAnswer(status=response.status, body=response.data)


def display_url(url: str) -> str:
    """The address with its key hidden, for pages and the audit trail (the key lets anyone post)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
