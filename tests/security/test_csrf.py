"""CSRF: unsafe browser requests need the token; a multipart upload without the header is
refused before a single byte of its body is read; bearer-token clients need no token."""

from __future__ import annotations

import httpx
from litestar import Litestar

from backend.db.tables import Account
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in


async def test_unsafe_requests_without_a_valid_token_are_refused(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    admin = client_for(app)
    await sign_in(admin, "admin")
    url = f"/admin/users/{accounts['reviewer']}/disable"
    for data, headers in (
        ({}, {}),
        ({"_csrf_token": "0" * 64}, {}),
        ({}, {"X-CSRFToken": "forged"}),
    ):
        response = await admin.post(url, data=data, headers=headers)
        assert response.status_code == 403, (data, headers)
        assert "CSRF" in response.text
    row = await Account.select(Account.active).where(Account.id == accounts["reviewer"]).first()
    assert row["active"] is True  # nothing changed
    token = await csrf_token(admin, "/admin/users")
    other = client_for(app)
    await sign_in(other, "leader")
    stolen = await other.post("/logout", headers={"X-CSRFToken": token})
    assert stolen.status_code == 403  # a token is bound to its own browser's cookie
    for c in (admin, other):
        await c.aclose()


async def test_login_form_needs_the_token_too(client: httpx.AsyncClient, accounts: dict) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"username": "reviewer", "password": "x"})
    assert response.status_code == 403


async def test_tokenless_upload_is_refused_before_its_body_is_read(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    client = client_for(app)
    await sign_in(client, "admin")
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    body_reads: list[int] = []

    async def receive() -> dict:
        body_reads.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/admin/users",
        "raw_path": b"/admin/users",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"cookie", cookies.encode()),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", str(200 * 1024 * 1024).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 403
    assert body_reads == []
    await client.aclose()
