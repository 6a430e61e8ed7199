"""消息: a user sees their own messages and the unread count, and nobody else's."""

from __future__ import annotations

import httpx

from backend.db.tables import Notification
from tests.fixtures import csrf_token, sign_in


async def test_own_messages_unread_count_and_mark_read(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    for account, title in (
        (accounts["reviewer"], "【催报】示例"),
        (accounts["leader"], "别人的消息"),
    ):
        await Notification.insert(
            Notification(recipient=account, kind="reminder", title=title, link="/board")
        )
    await sign_in(client, "reviewer")
    page = await client.get("/notifications")
    assert "【催报】示例" in page.text and "别人的消息" not in page.text
    assert '<span class="badge">1</span>' in page.text
    token = await csrf_token(client, "/notifications")
    await client.post("/notifications/read", data={"_csrf_token": token})
    again = await client.get("/notifications")
    assert 'class="badge"' not in again.text and "已读" in again.text
    assert await Notification.count().where(Notification.read_at.is_null()) == 1
