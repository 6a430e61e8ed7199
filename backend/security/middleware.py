"""Authentication as ASGI middleware: sets scope["user"] to a CurrentUser or None.

A bearer token that does not resolve answers 401 at once; a stale session cookie is simply
anonymous (and cleared), so the login page can be reached."""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from backend.security.identity import load_user, user_for_token
from backend.security.sessions import cookie_name, load_session


def request_cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is treated as no cookie
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def bearer_token(scope: Scope) -> str | None:
    value = header(scope, b"authorization")
    if value[:7].lower() == "bearer ":
        return value[7:].strip()
    return None


async def send_refusal(
    send: Send,
    status: int,
    body: str,
    content_type: bytes = b"text/plain; charset=utf-8",
    extra_headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """A whole response sent straight from a middleware (refused before the app is reached):
    the one place that builds such a refusal (CSRF, cross-site, bad host, bad token)."""
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type), *extra_headers],
    }
    await send(start)
    chunk: HTTPResponseBodyEvent = {
        "type": "http.response.body",
        "body": body.encode(),
        "more_body": False,
    }
    await send(chunk)


async def _unauthorized(send: Send) -> None:
    await send_refusal(
        send,
        401,
        '{"status_code":401,"detail":"接口令牌无效或已吊销。"}',
        b"application/json",
        ((b"www-authenticate", b'Bearer realm="hegui"'),),
    )


def authentication_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith("/static/"):
            scope["user"] = None
            await app(scope, receive, send)
            return
        token = bearer_token(scope)
        if token is not None:
            user = await user_for_token(token)
            if user is None:
                await _unauthorized(send)
                return
            scope["user"] = user
            await app(scope, receive, send)
            return

        name = cookie_name()
        session_id = request_cookies(scope).get(name, "")
        live = await load_session(session_id) if session_id else None
        user = (
            await load_user(
                live.account_id, session_id_hash=live.id_hash, mfa_pending=live.mfa_pending
            )
            if live
            else None
        )
        scope["user"] = user
        if session_id and user is None:
            await app(scope, receive, _clearing_cookie(send, name))
            return
        await app(scope, receive, send)

    return middleware


def _clearing_cookie(send: Send, name: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(k == b"set-cookie" and v.startswith(name.encode()) for k, v in headers):
                headers.append((b"set-cookie", f"{name}=; Max-Age=0; Path=/".encode()))
            message["headers"] = headers
        await send(message)

    return wrapped
