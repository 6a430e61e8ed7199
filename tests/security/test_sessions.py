"""Sessions: a planted id never survives a login, timeouts are enforced on the server, and
logout, a password change or a disabled account end sessions at once."""

from __future__ import annotations

import datetime as dt
import secrets

import httpx
from litestar import Litestar

from backend.db.tables import WebSession
from backend.security.sessions import hash_id
from tests.conftest import client_for
from tests.fixtures import PASSWORD, csrf_token, sign_in

COOKIE = "hegui_sid"


def session_cookie(response: httpx.Response) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{COOKIE}="):
            return header.split(";")[0].split("=", 1)[1]
    return ""


async def signed_in_to_board(client: httpx.AsyncClient) -> bool:
    response = await client.get("/board", follow_redirects=False)
    return response.status_code == 200


async def test_a_planted_session_cookie_does_not_survive_login(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    planted = secrets.token_hex(32)
    victim = client_for(app)
    victim.cookies.set(COOKIE, planted)
    page = await victim.get("/login")
    assert planted not in page.headers.get("set-cookie", "")
    response = await sign_in(victim, "reviewer")
    issued = session_cookie(response)
    assert issued and issued != planted and len(issued) == 64
    assert not await WebSession.exists().where(WebSession.id_hash == hash_id(planted))
    attacker = client_for(app)
    attacker.cookies.set(COOKIE, planted)
    assert not await signed_in_to_board(attacker)
    assert await signed_in_to_board(victim)
    for c in (victim, attacker):
        await c.aclose()


async def test_login_rotates_the_session_and_the_csrf_cookie(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    first = session_cookie(await sign_in(client, "reviewer"))
    before = client.cookies.get("hegui_csrf")
    second_response = await sign_in(client, "reviewer")
    assert session_cookie(second_response) not in ("", first)
    assert not await WebSession.exists().where(WebSession.id_hash == hash_id(first))
    assert client.cookies.get("hegui_csrf") != before


async def test_cookie_attributes(client: httpx.AsyncClient, accounts: dict[str, int]) -> None:
    response = await sign_in(client, "reviewer")
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert "Domain" not in header


async def test_idle_timeout(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    sid = session_cookie(await sign_in(client, "reviewer"))
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29)
    await WebSession.update({WebSession.last_seen_at: stale}).where(
        WebSession.id_hash == hash_id(sid)
    )
    assert await signed_in_to_board(client)  # 29 minutes idle: still signed in
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    await WebSession.update({WebSession.last_seen_at: stale}).where(
        WebSession.id_hash == hash_id(sid)
    )
    response = await client.get("/board", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["hx-redirect"].startswith("/login")
    assert not await WebSession.exists().where(WebSession.id_hash == hash_id(sid))


async def test_absolute_timeout_despite_activity(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    sid = session_cookie(await sign_in(client, "reviewer"))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=12, minutes=1)
    await WebSession.update({WebSession.created_at: old}).where(WebSession.id_hash == hash_id(sid))
    assert not await signed_in_to_board(client)


async def test_logout_ends_the_session_on_the_server(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    client = client_for(app)
    sid = session_cookie(await sign_in(client, "reviewer"))
    token = await csrf_token(client, "/account/password")
    assert (await client.get("/logout")).status_code in (404, 405)  # GET never logs out
    assert await signed_in_to_board(client)
    await client.post("/logout", headers={"X-CSRFToken": token}, follow_redirects=False)
    replay = client_for(app)
    replay.cookies.set(COOKIE, sid)
    assert not await signed_in_to_board(replay)
    for c in (client, replay):
        await c.aclose()


async def test_password_change_ends_the_other_sessions(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    here, elsewhere = client_for(app), client_for(app)
    await sign_in(here, "reviewer")
    await sign_in(elsewhere, "reviewer")
    token = await csrf_token(here, "/account/password")
    wrong = await here.post(
        "/account/password",
        data={
            "current": "not-it",
            "new": "Brand-New-2026!",
            "confirm": "Brand-New-2026!",
            "_csrf_token": token,
        },
    )
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
    assert await signed_in_to_board(elsewhere)  # a failed change ends nothing
    done = await here.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "Brand-New-2026!",
            "confirm": "Brand-New-2026!",
            "_csrf_token": token,
        },
    )
    assert done.status_code == 200 and "密码已修改" in done.text
    assert await signed_in_to_board(here)
    assert not await signed_in_to_board(elsewhere)
    for c in (here, elsewhere):
        await c.aclose()


async def test_disabling_an_account_ends_its_sessions(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    admin, victim = client_for(app), client_for(app)
    await sign_in(admin, "admin")
    await sign_in(victim, "reviewer")
    token = await csrf_token(admin, "/admin/users")
    await admin.post(f"/admin/users/{accounts['reviewer']}/disable", data={"_csrf_token": token})
    assert not await signed_in_to_board(victim)
    assert (await sign_in(victim, "reviewer")).status_code == 401
    for c in (admin, victim):
        await c.aclose()


async def test_guessing_the_current_password_is_counted_and_audited(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    """A stolen session cannot try current passwords without limit: the lockout applies."""
    from backend.db.tables import Account, AuditEvent

    await sign_in(client, "reviewer")
    token = await csrf_token(client, "/account/password")
    for _ in range(5):
        await client.post(
            "/account/password",
            data={
                "current": "guess-Wrong-1",
                "new": "Brand-New-2026!",
                "confirm": "Brand-New-2026!",
                "_csrf_token": token,
            },
        )
    row = (
        await Account.select(Account.locked_until).where(Account.id == accounts["reviewer"]).first()
    )
    assert row["locked_until"] is not None
    assert await AuditEvent.count().where(AuditEvent.action == "lockout") == 1
