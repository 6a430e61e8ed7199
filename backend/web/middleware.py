"""Security headers on every response, no caching of anything but assets.

A `before_send` hook of the app rather than a middleware: Litestar runs middleware per route, so
the router's own 404 and 405 answers (and the edge's 400) never passed through it."""

from __future__ import annotations

from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from backend.settings import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
# ASVS 3.4.1 (L2): a year, and every subdomain too, so none can be reached over plain HTTP.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    headers = list(SECURITY_HEADERS)
    if settings.secure_cookies:  # served over HTTPS: tell browsers to stay there
        headers.append(HSTS)
    return headers


def security_headers_hook(settings: Settings) -> BeforeMessageSendHookHandler:
    headers_for_all = security_headers(settings)

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers", []))
        present = {bytes(name).lower() for name, _ in headers}
        # A response that sets its own policy keeps it (the framed file preview).
        headers.extend(h for h in headers_for_all if h[0] not in present)
        if not scope.get("path", "").startswith("/static/") and b"cache-control" not in present:
            headers.append((b"cache-control", b"no-store"))
        message["headers"] = headers

    return before_send
