"""What every request passes before routing: the Host allow-list and the client address.

Litestar's AllowedHostsMiddleware runs per route (so an unknown path escapes it), answers in
English and, in 2.25, refuses a Host that carries a port; this check runs in front of the
router for every request. The client address is the TCP peer unless that peer is a configured
reverse proxy: only then is X-Forwarded-For read, from the right, skipping trusted hops, the
same rule as uvicorn's ProxyHeadersMiddleware (so `hegui serve` can hand it the same list and
both agree). Lockout, audit and sessions all read `request.client`, set here."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from litestar.types import (
    ASGIApp,
    Receive,
    Scope,
    Send,
)

from backend.security.middleware import send_refusal
from backend.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
BAD_HOST = "请求的主机名不在本系统允许的范围内（HEGUI_ALLOWED_HOSTS）。请使用正确的网址访问。"


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-case, without the port ("[::1]:8000" → "[::1]")."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str, allowed: Sequence[str]) -> bool:
    name = host_name(host_header)
    if not name:
        return False
    if not allowed or "*" in allowed or name in LOOPBACK_HOSTS:
        return True
    for pattern in allowed:
        if pattern.startswith("*."):
            if name.endswith(pattern[1:]):
                return True
        elif name == pattern:
            return True
    return False


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.find("]")]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: list[Network]) -> bool:
    return any(address in net for net in nets)


def client_address(peer: str, forwarded_for: str, nets: list[Network]) -> str:
    """The client as far as trusted proxies vouch for it: the peer unless it is a trusted proxy;
    then the rightmost X-Forwarded-For entry that is not itself a trusted proxy. A malformed
    entry stops the walk at the last hop that was trusted."""
    peer_address = _address(peer)
    if not nets or peer_address is None or not _trusted(peer_address, nets) or not forwarded_for:
        return peer
    current = peer
    for entry in reversed([e for e in forwarded_for.split(",") if e.strip()]):
        address = _address(entry)
        if address is None:
            return current
        current = str(address)
        if not _trusted(address, nets):
            return current
    return current


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope.get("headers", []) if k == name]


async def _bad_host(send: Send) -> None:
    await send_refusal(send, 400, BAD_HOST)


def edge_middleware(app: ASGIApp, settings: Settings) -> ASGIApp:
    allowed = settings.allowed_hosts
    nets = settings.proxy_networks()

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no websockets here; lifespan never reaches this
            await app(scope, receive, send)
            return
        hosts = _headers(scope, b"host")
        if len(hosts) != 1 or not host_allowed(hosts[0], allowed):
            await _bad_host(send)
            return
        client = scope.get("client")
        if nets and client:
            forwarded = ", ".join(_headers(scope, b"x-forwarded-for"))
            resolved = client_address(client[0], forwarded, nets)
            if resolved != client[0]:
                scope["client"] = (resolved, 0)
            proto = (_headers(scope, b"x-forwarded-proto") or [""])[-1].strip().lower()
            address = _address(client[0])
            trusted_peer = address is not None and _trusted(address, nets)
            if proto in ("http", "https") and trusted_peer:
                scope["scheme"] = proto
        await app(scope, receive, send)

    return middleware
