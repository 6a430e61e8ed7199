"""ASGI middleware: security headers on every response, no caching of anything but assets."""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.settings import get_settings

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


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    headers_for_all = list(SECURITY_HEADERS)
    if get_settings().secure_cookies:  # served over HTTPS: tell browsers to stay there
        headers_for_all.append((b"strict-transport-security", b"max-age=31536000"))

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _ in headers}
                # A response that sets its own policy keeps it (the framed file preview).
                headers.extend(h for h in headers_for_all if h[0] not in present)
                if not is_static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
