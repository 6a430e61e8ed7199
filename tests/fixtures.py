"""Data fixtures shared by the integration and task tests (registered in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from backend.lib.timeutil import TZ
from tests import factories as f


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
async def roster(programme: int) -> dict[str, int]:
    ids = {
        "U": await f.enterprise("提级管理示例集团（示例）", upgraded=True),
        "G": await f.enterprise("市属一级示例集团（示例）"),
    }
    ids["G1"] = await f.enterprise("示例子公司甲（示例）", parent=ids["G"], group_id=ids["G"])
    ids["G2"] = await f.enterprise("示例孙公司乙（示例）", parent=ids["G1"], group_id=ids["G"])
    p1 = await f.obligation_id("P1")
    v = await f.submit(ids["U"], p1, at(2023, 5, 20))
    await f.review(v, "approve", at(2023, 5, 25), grade="good")
    await f.submit(ids["G"], p1, at(2023, 5, 24))  # two calendar days late, never reviewed
    a5 = await f.obligation_id("A5")
    v = await f.submit(ids["G"], a5, at(2023, 12, 1))
    await f.review(v, "return", at(2023, 12, 5))
    await f.exempt(ids["U"], await f.obligation_id("A4"), at(2023, 6, 1), "已完成重组")
    return ids


# --- accounts -------------------------------------------------------------------------------

PASSWORD = "Test-Passw0rd!"
_hashed: dict[str, str] = {}


async def password_hash() -> str:
    """argon2 is slow on purpose: hash the shared test password once per session."""
    from backend.security.passwords import hash_password

    if "value" not in _hashed:
        _hashed["value"] = await hash_password(PASSWORD)
    return _hashed["value"]


async def make_account(username: str, role: str, enterprise_id: int | None = None) -> int:
    from backend.db.tables import Account

    rows = await Account.insert(
        Account(
            username=username,
            display_name=username,
            role=role,
            enterprise=enterprise_id,
            password_hash=await password_hash(),
            must_change_password=False,
            password_changed_at=dt.datetime.now(dt.UTC),
        )
    ).returning(Account.id)
    return rows[0]["id"]


@pytest.fixture
async def accounts(db: None) -> dict[str, int]:
    """One SASAC-side account per role (enterprise accounts come with `roster`)."""
    return {
        name: await make_account(name, role)
        for name, role in (
            ("admin", "sasac_admin"),
            ("reviewer", "sasac_reviewer"),
            ("leader", "sasac_leader"),
            ("auditor", "auditor"),
        )
    }


@pytest.fixture
async def tenant_accounts(roster: dict[str, int], accounts: dict[str, int]) -> dict[str, int]:
    """Enterprise accounts: `ent_g` for group G (and its subsidiaries), `ent_u` for group U."""
    return {
        **accounts,
        "ent_g": await make_account("ent_g", "enterprise_admin", roster["G"]),
        "ent_g_user": await make_account("ent_g_user", "enterprise_user", roster["G"]),
        "ent_u": await make_account("ent_u", "enterprise_user", roster["U"]),
    }


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([0-9a-f]{64})"')


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    page = await client.get(path)
    found = CSRF_FIELD.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


@pytest.fixture
async def staff(client: httpx.AsyncClient, accounts: dict[str, int]) -> httpx.AsyncClient:
    """The client, signed in as a SASAC reviewer."""
    response = await sign_in(client, "reviewer")
    assert response.status_code == 303, response.text
    return client
