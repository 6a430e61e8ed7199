"""Accounts carry an e-mail address: the user sets their own, the system administrator anyone's;
both are validated with a Chinese message and audited."""

from __future__ import annotations

import httpx

from backend.db.tables import Account, AuditEvent
from tests.fixtures import csrf_token, sign_in


async def test_a_user_sets_and_clears_their_own_address(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    assert (await sign_in(client, "ent_g_user")).status_code == 303
    page = await client.get("/account/email")
    assert page.status_code == 200 and "我的邮箱" in page.text
    token = await csrf_token(client, "/account/email")
    bad = await client.post("/account/email", data={"email": "不是邮箱", "_csrf_token": token})
    assert bad.status_code == 422 and "电子邮箱格式不正确" in bad.text
    me = Account.id == tenant_accounts["ent_g_user"]
    assert (await Account.select(Account.email).where(me).first())["email"] == ""
    ok = await client.post(
        "/account/email", data={"email": " Li.Si@GZW.Example.cn ", "_csrf_token": token}
    )
    assert ok.status_code == 200 and "电子邮箱已保存" in ok.text
    assert (await Account.select(Account.email).where(me).first())[
        "email"
    ] == "Li.Si@gzw.example.cn"
    cleared = await client.post("/account/email", data={"email": "", "_csrf_token": token})
    assert "电子邮箱已清除" in cleared.text
    events = (
        await AuditEvent.select(AuditEvent.changes)
        .where(
            AuditEvent.action == "email_change",
            AuditEvent.entity_id == str(tenant_accounts["ent_g_user"]),
        )
        .order_by(AuditEvent.id)
    )
    assert len(events) == 2


async def test_the_admin_sets_an_address_on_create_and_edit(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    assert (await sign_in(client, "admin")).status_code == 303
    token = await csrf_token(client, "/admin/users/new")
    refused = await client.post(
        "/admin/users",
        data={
            "username": "zhang",
            "role": "sasac_reviewer",
            "email": "zhang@",
            "_csrf_token": token,
        },
    )
    assert refused.status_code == 422 and "电子邮箱格式不正确" in refused.text
    assert not await Account.exists().where(Account.username == "zhang")
    created = await client.post(
        "/admin/users",
        data={
            "username": "zhang",
            "role": "sasac_reviewer",
            "email": "zhang@gzw.example.cn",
            "_csrf_token": token,
        },
    )
    assert created.status_code == 200 and "zhang@gzw.example.cn" in created.text
    target = tenant_accounts["reviewer"]
    bad = await client.post(
        f"/admin/users/{target}",
        data={
            "display_name": "审核员",
            "role": "sasac_reviewer",
            "email": "a b@c",
            "_csrf_token": token,
        },
    )
    assert "电子邮箱格式不正确" in bad.text and "未保存" in bad.text
    good = await client.post(
        f"/admin/users/{target}",
        data={
            "display_name": "审核员",
            "role": "sasac_reviewer",
            "email": "shen@gzw.example.cn",
            "_csrf_token": token,
        },
    )
    assert "已保存" in good.text
    row = await Account.select(Account.email).where(Account.id == target).first()
    assert row["email"] == "shen@gzw.example.cn"
    update = (
        await AuditEvent.select(AuditEvent.changes)
        .where(AuditEvent.action == "user_update", AuditEvent.entity_id == str(target))
        .first()
    )
    assert "shen@gzw.example.cn" in str(update["changes"])
