"""CSRF protection for every unsafe browser request, htmx included.

A random cookie per browser (HttpOnly) and a token derived from it with the app's secret; the
page carries the token, htmx sends it as X-CSRFToken, classic forms as _csrf_token. Litestar's
own middleware parses a whole multipart body when the header is missing; here a multipart
request without the header is refused before a byte of its body is read. Requests that
authenticate with a bearer token and carry no session cookie are not browser requests and
skip the check. The cookie is renewed at login. Failures are audited
(bounded: backend/security/refusals.py).

Beside the token, as defence in depth (OWASP CSRF cheat sheet, Fetch Metadata): an unsafe
browser request that the browser itself labels `Sec-Fetch-Site: cross-site`, or whose Origin
is neither this request's Host nor a name in HEGUI_ALLOWED_HOSTS, is refused before the token
is looked at. Browsers without these headers fall back on the token alone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs, urlsplit

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPRequestEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)
from litestar.utils.scope.state import ScopeState

from backend.security.audit import AuditAction
from backend.security.middleware import bearer_token, header, request_cookies, send_refusal
from backend.security.refusals import audit_refusal
from backend.security.sessions import cookie_name as session_cookie_name
from backend.settings import get_settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_FORM_BYTES = 64 * 1024
ROTATE = "hegui.csrf.rotate"


def cookie_name() -> str:
    return "__Host-hegui_csrf" if get_settings().secure_cookies else "hegui_csrf"


def token_for(cookie_value: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, cookie_value.encode(), hashlib.sha256).hexdigest()


def _cookie_header(value: str) -> bytes:
    secure = "; Secure" if get_settings().secure_cookies else ""
    return f"{cookie_name()}={value}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()


CSRF_FAILED = "CSRF 校验失败：页面已过期或请求来源不可信，请刷新页面后重试。"
CROSS_SITE = "请求来源不可信：不接受从其他网站发起的提交，请在本系统页面中重新操作。"


def cross_site(scope: Scope) -> bool:
    """True when the browser says the request comes from another site."""
    if header(scope, b"sec-fetch-site").strip().lower() == "cross-site":
        return True
    origin = header(scope, b"origin").strip().lower()
    if not origin:
        return False
    if origin == "null":  # sandboxed frames, file: pages, cross-origin redirects
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return True
    if parts.netloc == header(scope, b"host").strip().lower():
        return False
    allowed = get_settings().allowed_hosts
    return not (parts.hostname and parts.hostname in allowed)


async def _forbidden(send: Send, message: str = CSRF_FAILED) -> None:
    await send_refusal(send, 403, message)


def csrf_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith("/static/"):
            await app(scope, receive, send)
            return
        cookies = request_cookies(scope)
        current = cookies.get(cookie_name(), "")
        fresh = current if len(current) == 64 else secrets.token_hex(32)
        ScopeState.from_scope(scope).csrf_token = token_for(fresh)

        if scope["method"] not in SAFE_METHODS:
            is_api_client = bearer_token(scope) is not None and (
                session_cookie_name() not in cookies
            )
            if not is_api_client:
                if cross_site(scope):
                    await audit_refusal(AuditAction.CSRF_FAILED, scope)
                    await _forbidden(send, CROSS_SITE)
                    return
                receive, ok = await _check(scope, receive, current)
                if not ok:
                    await audit_refusal(AuditAction.CSRF_FAILED, scope)
                    await _forbidden(send)
                    return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = fresh
                if scope.get(ROTATE):
                    value = secrets.token_hex(32)
                if value != current:
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"set-cookie", _cookie_header(value)),
                    ]
            await send(message)

        await app(scope, receive, send_with_cookie)

    return middleware


async def _check(scope: Scope, receive: Receive, cookie_value: str) -> tuple[Receive, bool]:
    if len(cookie_value) != 64:
        return receive, False
    expected = token_for(cookie_value)
    sent = header(scope, b"x-csrftoken")
    if sent:
        return receive, hmac.compare_digest(sent, expected)
    content_type = header(scope, b"content-type").split(";")[0].strip().lower()
    length = header(scope, b"content-length")
    if content_type != "application/x-www-form-urlencoded" or not (
        length.isascii() and length.isdigit()
    ):
        return receive, False  # multipart and the rest must send the header: refuse unread
    if int(length) > MAX_FORM_BYTES:
        return receive, False
    body = await _read_body(receive)
    field = parse_qs(body.decode("utf-8", "replace")).get("_csrf_token", [""])[0]
    return _replay(body, receive), hmac.compare_digest(field, expected)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: what arrived so far
            return b"".join(chunks)
        chunks.append(message["body"])
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, upstream: Receive) -> Receive:
    """The body once, then the real channel: a handler that waits for `http.disconnect` (to stop
    work for a client that left) must hear the real one, not an invented one."""
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            request: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return request
        return await upstream()

    return receive
