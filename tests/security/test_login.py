"""Signing in: per-account lockout kept in the database, one answer for unknown users and wrong
passwords, a forced first-login change that blocks every other route, and API tokens."""

from __future__ import annotations

import datetime as dt

import httpx
from litestar import Litestar

from backend.db.tables import Account, AuditEvent
from backend.domain.accounts.service import create_account, create_token, revoke_token
from backend.security.audit import SYSTEM, verify_chain
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in


async def actions() -> list[str]:
    return [r["action"] for r in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]


async def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    unknown = await sign_in(client, "nobody", "Whatever-123!")
    wrong = await sign_in(client, "reviewer", "Whatever-123!")
    assert unknown.status_code == wrong.status_code == 401
    assert "用户名或密码错误" in unknown.text and "用户名或密码错误" in wrong.text
    assert await actions() == ["login_failed", "login_failed"]


async def test_five_failures_lock_the_account_until_an_admin_unlocks_it(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    client = client_for(app)
    for _ in range(5):
        assert (await sign_in(client, "reviewer", "Wrong-Password-1")).status_code == 401
    locked = await sign_in(client, "reviewer")  # the right password, too late
    assert locked.status_code == 401 and "账户已被锁定" in locked.text
    row = (
        await Account.select(Account.locked_until).where(Account.id == accounts["reviewer"]).first()
    )
    assert row["locked_until"] > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=29)
    assert (await actions()).count("lockout") == 1

    admin = client_for(app)
    await sign_in(admin, "admin")
    token = await csrf_token(admin, "/admin/users")
    await admin.post(f"/admin/users/{accounts['reviewer']}/unlock", data={"_csrf_token": token})
    assert (await sign_in(client, "reviewer")).status_code == 303
    assert "unlock" in await actions()
    assert (await verify_chain()).ok
    for c in (client, admin):
        await c.aclose()


async def test_lock_expires_after_the_lockout_period(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await Account.update({Account.locked_until: past}).where(Account.id == accounts["reviewer"])
    assert (await sign_in(client, "reviewer")).status_code == 303


async def test_first_login_forces_a_password_change_everywhere(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    _, initial = await create_account(SYSTEM, username="newcomer", role="sasac_reviewer")
    client = client_for(app)
    response = await sign_in(client, "newcomer", initial)
    assert response.headers["location"] == "/account/password"
    page = await client.get("/board", follow_redirects=False)
    assert page.headers["location"] == "/account/password"
    partial = await client.get("/board", headers={"HX-Request": "true"}, follow_redirects=False)
    assert partial.headers["hx-redirect"] == "/account/password"
    api = await client.get("/api/v1/board")
    assert api.status_code == 403 and "修改密码" in api.json()["detail"]
    assert (await client.get("/account/password")).status_code == 200
    token = await csrf_token(client, "/account/password")
    weak = await client.post(
        "/account/password",
        data={"current": initial, "new": "password", "confirm": "password", "_csrf_token": token},
    )
    assert weak.status_code == 422 and "至少" in weak.text
    done = await client.post(
        "/account/password",
        data={
            "current": initial,
            "new": "New-Start-2026!",
            "confirm": "New-Start-2026!",
            "_csrf_token": token,
        },
    )
    assert done.status_code == 200
    assert (await client.get("/board", follow_redirects=False)).status_code == 200
    await client.aclose()


async def test_expired_password_must_be_changed(
    client: httpx.AsyncClient, accounts: dict[str, int], programme: int
) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    await Account.update({Account.password_changed_at: old}).where(
        Account.id == accounts["reviewer"]
    )
    await sign_in(client, "reviewer")
    page = await client.get("/board", follow_redirects=False)
    assert page.headers["location"] == "/account/password"


async def test_no_account_exists_until_one_is_created(db: None) -> None:
    assert await Account.count() == 0


async def test_api_tokens_are_hashed_scoped_and_revocable(
    app: Litestar, tenant_accounts: dict[str, int]
) -> None:
    token = await create_token(SYSTEM, tenant_accounts["ent_g"], "集成测试")
    stored = await AuditEvent.count().where(AuditEvent.action == "token_create")
    assert stored == 1
    from backend.db.tables import ApiToken

    assert not await ApiToken.exists().where(ApiToken.token_hash == token)
    client = client_for(app)
    auth = {"Authorization": f"Bearer {token}"}
    body = (await client.get("/api/v1/enterprises", headers=auth)).json()
    assert body["total"] == 3  # the enterprise account's own group tree
    assert (await client.get("/admin/users", headers=auth)).status_code == 403
    row = await ApiToken.select(ApiToken.id).first()
    await revoke_token(SYSTEM, row["id"])
    revoked = await client.get("/api/v1/enterprises", headers=auth)
    assert revoked.status_code == 401 and "令牌" in revoked.json()["detail"]
    bad = await client.get("/api/v1/enterprises", headers={"Authorization": "Bearer hg_nope"})
    assert bad.status_code == 401
    await client.aclose()


async def test_the_user_page_title_is_plain_text(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    await sign_in(client, "admin")
    page = (await client.get(f"/admin/users/{accounts['reviewer']}")).text
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "用户 reviewer" in title
    assert page.count("接口令牌（API）") == 1


async def test_the_system_administrator_cannot_reach_the_audit_role(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    """三员分立: no token, password reset, role change or new account opens the audit log."""
    from backend.db.tables import ApiToken

    await sign_in(client, "admin")
    token = await csrf_token(client, "/admin/users")
    auditor = accounts["auditor"]
    for url in (
        f"/admin/users/{auditor}/tokens",
        f"/admin/users/{auditor}/reset-password",
        f"/admin/users/{auditor}/disable",
    ):
        page = await client.post(url, data={"_csrf_token": token, "name": "x"})
        assert "三员分立" in page.text, url
    assert await ApiToken.count() == 0
    promote = await client.post(
        f"/admin/users/{accounts['reviewer']}",
        data={"_csrf_token": token, "role": "auditor", "display_name": "x", "enterprise_id": ""},
    )
    assert "三员分立" in promote.text
    myself = await client.post(
        f"/admin/users/{accounts['admin']}",
        data={
            "_csrf_token": token,
            "role": "sasac_leader",
            "display_name": "x",
            "enterprise_id": "",
        },
    )
    assert "不能修改自己的角色" in myself.text
    created = await client.post(
        "/admin/users", data={"_csrf_token": token, "username": "audit2", "role": "auditor"}
    )
    assert created.status_code == 422 and "三员分立" in created.text
    roles = {r["role"] for r in await Account.select(Account.role)}
    assert roles == {"sasac_admin", "sasac_reviewer", "sasac_leader", "auditor"}


async def test_parallel_wrong_passwords_still_lock_the_account(
    app: Litestar, accounts: dict[str, int], programme: int
) -> None:
    import asyncio

    clients = [client_for(app) for _ in range(8)]
    tokens = [await csrf_token(c) for c in clients]
    await asyncio.gather(
        *(
            c.post(
                "/login",
                data={"username": "reviewer", "password": "Wrong-Pass-1", "_csrf_token": t},
            )
            for c, t in zip(clients, tokens, strict=True)
        )
    )
    row = (
        await Account.select(Account.locked_until).where(Account.id == accounts["reviewer"]).first()
    )
    assert row["locked_until"] is not None  # 8 parallel failures ≥ 5: locked
    for c in clients:
        await c.aclose()
