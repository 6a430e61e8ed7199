"""不适用 and 延期 for a cell that was never submitted, reached from the board's side panel."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from backend.db.tables import AuditEvent, Notification
from backend.lib.timeutil import today
from tests.factories import obligation_id
from tests.fixtures import csrf_token, sign_in


async def cell_status(client: httpx.AsyncClient, enterprise: int, obligation: int) -> dict:
    body = (await client.get("/api/v1/board")).json()  # as of today: the grants are today's
    row = next(r for r in body["rows"] if r["enterprise"]["id"] == enterprise)
    return next(c for c in row["cells"] if c["obligation_id"] == obligation)


async def test_exempt_and_extend_a_cell_nobody_submitted(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    await sign_in(client, "reviewer")
    a6, a2 = await obligation_id("A6"), await obligation_id("A2")
    later = today() + dt.timedelta(days=60)
    panel = await client.get(
        "/board/cell", params={"enterprise_id": roster["G"], "obligation_id": a6}
    )
    assert f"/reviews/cells/{roster['G']}/{a6}" in panel.text
    page = await client.get(f"/reviews/cells/{roster['G']}/{a6}")
    assert page.status_code == 200 and "认定不适用" in page.text
    token = await csrf_token(client, f"/reviews/cells/{roster['G']}/{a6}")
    missing = await client.post(
        f"/reviews/cells/{roster['G']}/{a6}/exempt", data={"_csrf_token": token, "reason": ""}
    )
    assert missing.status_code == 422
    done = await client.post(
        f"/reviews/cells/{roster['G']}/{a6}/exempt",
        data={"_csrf_token": token, "reason": "该企业已并入其他集团"},
    )
    assert done.status_code == 303  # back to the cell page
    assert (await cell_status(client, roster["G"], a6))["status"] == "exempt"
    await client.post(
        f"/reviews/cells/{roster['G']}/{a2}/extend",
        data={"_csrf_token": token, "extended_to": later.isoformat(), "reason": "重组过渡期"},
    )
    extended = await cell_status(client, roster["G"], a2)
    assert extended["due_on"] == later.isoformat() and extended["status"] == "not_due"
    assert await AuditEvent.count().where(AuditEvent.action == "exemption") == 2
    assert await Notification.count() >= 2  # the group's accounts are told


async def test_a_submitted_cell_goes_to_its_review_page(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    await sign_in(client, "reviewer")
    p1 = await obligation_id("P1")
    response = await client.get(f"/reviews/cells/{roster['G']}/{p1}", follow_redirects=False)
    assert response.status_code in (301, 302, 303, 307)
    assert response.headers["location"].startswith("/reviews/")


async def test_enterprise_accounts_cannot_use_it(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    await sign_in(client, "ent_g")
    response = await client.get(f"/reviews/cells/{roster['G']}/{await obligation_id('A6')}")
    assert response.status_code == 403


async def test_a_grant_says_it_was_done_with_the_new_deadline_and_a_way_back(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    await sign_in(client, "reviewer")
    a6, a2 = await obligation_id("A6"), await obligation_id("A2")
    later = today() + dt.timedelta(days=60)
    token = await csrf_token(client, f"/reviews/cells/{roster['G']}/{a6}")
    exempted = await client.post(
        f"/reviews/cells/{roster['G']}/{a6}/exempt",
        data={"_csrf_token": token, "reason": "该企业已并入其他集团"},
        follow_redirects=True,
    )
    assert exempted.status_code == 200 and "已认定该企业的此项任务不适用" in exempted.text
    extended = await client.post(
        f"/reviews/cells/{roster['G']}/{a2}/extend",
        data={"_csrf_token": token, "extended_to": later.isoformat(), "reason": "重组过渡期"},
        follow_redirects=True,
    )
    new_due = f"{later.year}年{later.month}月{later.day}日"
    assert extended.status_code == 200
    assert f"已同意延期，新的截止日期为 {new_due}" in extended.text
    assert f"已延期至 <strong>{new_due}</strong>" in extended.text
    back = re.search(r'<a class="btn" href="(/board[^"]*)">返回进度看板</a>', extended.text)
    assert back and (await client.get(back.group(1).replace("&amp;", "&"))).status_code == 200
