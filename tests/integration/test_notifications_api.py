"""GET /api/v1/notifications: the caller's own messages, newest first, paged, with a kind."""

from __future__ import annotations

import httpx

from backend.db.tables import Notification
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.rules.messages import NotificationKind
from tests.fixtures import sign_in


async def test_own_messages_newest_first(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    me, other = tenant_accounts["ent_g"], tenant_accounts["ent_u"]
    kinds = [NotificationKind.REMINDER, NotificationKind.OVERDUE, NotificationKind.CHASE]
    await deliver(
        [
            Outgoing(recipient=me, kind=k, title=f"第 {n} 条", body="正文", link="/workspace")
            for n, k in enumerate(kinds)
        ]
        + [Outgoing(recipient=other, kind=NotificationKind.REVIEW, title="别人的")]
    )
    await Notification.update({Notification.read_at: Notification.created_at}).where(
        Notification.title == "第 0 条"
    )
    assert (await sign_in(client, "ent_g")).status_code == 303
    answer = await client.get("/api/v1/notifications")
    assert answer.status_code == 200
    data = answer.json()
    assert data["total"] == 3
    assert [i["title"] for i in data["items"]] == ["第 2 条", "第 1 条", "第 0 条"]
    first = data["items"][0]
    assert set(first) == {"id", "kind", "title", "body", "created_at", "read_at", "link"}
    assert first["kind"] == "chase" and first["read_at"] is None and first["link"] == "/workspace"
    assert data["items"][2]["read_at"] is not None
    paged = (await client.get("/api/v1/notifications?page=2&page_size=2")).json()
    assert paged["total"] == 3 and [i["title"] for i in paged["items"]] == ["第 0 条"]
    unread = (await client.get("/api/v1/notifications?unread=true")).json()
    assert unread["total"] == 2
    bad = await client.get("/api/v1/notifications?page=0")
    assert bad.status_code == 400 and "页码" in bad.text
