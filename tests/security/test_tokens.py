"""API tokens are issued by their owner only: the system administrator can neither mint a token
for someone else (and so act under their name) nor revoke the auditor's; the shell is the
break-glass path, audited as such, and refuses an account that must change its password."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import Account, ApiToken, AuditEvent
from backend.domain.accounts.tokens import create_token
from backend.domain.errors import Forbidden
from backend.security.audit import Actor
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
SECRET = re.compile(r'class="secret">(hg_[\w-]+)<')


async def _mint_own(client: httpx.AsyncClient) -> str:
    token = await csrf_token(client, "/account/tokens")
    page = await client.post("/account/tokens", data={"_csrf_token": token, "name": "对接"})
    assert page.status_code == 200, page.text
    found = SECRET.search(page.text)
    assert found, page.text
    return found.group(1)


async def test_the_admin_cannot_mint_a_token_for_anyone_else(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    await sign_in(client, "admin")
    token = await csrf_token(client, "/admin/users")
    for name in ("reviewer", "ent_g_user"):
        page = await client.post(
            f"/admin/users/{tenant_accounts[name]}/tokens",
            data={"_csrf_token": token, "name": "代签"},
        )
        assert "本人" in page.text and "hg_" not in page.text
    assert await ApiToken.count() == 0
    admin = Actor(tenant_accounts["admin"], "admin")
    with pytest.raises(Forbidden):
        await create_token(admin, tenant_accounts["reviewer"], "代签")
    assert await ApiToken.count() == 0


async def test_owners_issue_and_revoke_their_own_tokens(
    app: Litestar, tenant_accounts: dict[str, int]
) -> None:
    owner, other = client_for(app), client_for(app)
    await sign_in(owner, "ent_g")
    await sign_in(other, "ent_u")
    secret = await _mint_own(owner)
    auth = {"Authorization": f"Bearer {secret}"}
    assert (await owner.get("/api/v1/enterprises", headers=auth)).json()["total"] == 3
    row = await ApiToken.select().first()
    assert row["account"] == tenant_accounts["ent_g"]
    foreign = await other.post(
        f"/account/tokens/{row['id']}/revoke",
        data={"_csrf_token": await csrf_token(other, "/account/tokens")},
    )
    assert foreign.status_code == 404
    assert (await owner.get("/api/v1/enterprises", headers=auth)).status_code == 200
    revoked = await owner.post(
        f"/account/tokens/{row['id']}/revoke",
        data={"_csrf_token": await csrf_token(owner, "/account/tokens")},
    )
    assert revoked.status_code == 200
    assert (await owner.get("/api/v1/enterprises", headers=auth)).status_code == 401
    # A token cannot mint another token: only a signed-in person can.
    bare = client_for(app)
    bred = await bare.post("/account/tokens", headers={**auth, "X-CSRFToken": "x"})
    assert bred.status_code in {401, 403}
    assert await ApiToken.count() == 1
    for c in (owner, other, bare):
        await c.aclose()


async def test_the_admin_may_revoke_others_but_not_the_auditors_token(
    app: Litestar, accounts: dict[str, int]
) -> None:
    auditor, reviewer, admin = client_for(app), client_for(app), client_for(app)
    await sign_in(auditor, "auditor")
    await sign_in(reviewer, "reviewer")
    await sign_in(admin, "admin")
    await _mint_own(auditor)
    await _mint_own(reviewer)
    audit_token = await ApiToken.select().where(ApiToken.account == accounts["auditor"]).first()
    review_token = await ApiToken.select().where(ApiToken.account == accounts["reviewer"]).first()
    token = await csrf_token(admin, "/admin/users")
    page = await admin.post(
        f"/admin/users/{accounts['auditor']}/tokens/{audit_token['id']}/revoke",
        data={"_csrf_token": token},
    )
    assert "三员分立" in page.text
    page = await admin.post(
        f"/admin/users/{accounts['reviewer']}/tokens/{review_token['id']}/revoke",
        data={"_csrf_token": token},
    )
    assert "已吊销" in page.text
    state = {r["account"]: r["revoked_at"] for r in await ApiToken.select()}
    assert state[accounts["auditor"]] is None
    assert state[accounts["reviewer"]] is not None
    for c in (auditor, reviewer, admin):
        await c.aclose()


async def _hegui(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backend.cli",
        *args,
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_the_shell_is_the_audited_break_glass_path(accounts: dict[str, int]) -> None:
    code, out, _ = await _hegui("users", "token", "reviewer", "--name", "应急")
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("hg_")
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert actions == ["token_break_glass"]
    await Account.update({Account.must_change_password: True}).where(
        Account.id == accounts["leader"]
    )
    code, out, err = await _hegui("users", "token", "leader")
    assert code == 1 and "须先修改密码" in err and "hg_" not in out
    assert await ApiToken.count() == 1
