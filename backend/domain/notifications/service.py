"""消息 reads and writes for one recipient: a page of their messages, newest first, and marking
them all read. Messages are created where the event happens (`reviews/notify.py`)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from backend.db.tables import Notification
from backend.domain.errors import Invalid
from backend.domain.shared.paging import MAX_PAGE_SIZE


async def notifications_page(recipient_id: int, page: int, page_size: int) -> dict[str, Any]:
    """The recipient's messages on `page` (clamped to 1…last), with the paging figures."""
    mine = Notification.recipient == recipient_id
    total = await Notification.count().where(mine)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    rows = (
        await Notification.select(
            Notification.id,
            Notification.title,
            Notification.body,
            Notification.link,
            Notification.created_at,
            Notification.read_at,
        )
        .where(mine)
        .order_by(Notification.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "offset": (page - 1) * page_size,
    }


async def mark_all_read(recipient_id: int) -> None:
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
        Notification.recipient == recipient_id, Notification.read_at.is_null()
    )


async def api_page(
    recipient_id: int, page: int, page_size: int, *, unread_only: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """One page of the recipient's messages, newest first, and their total (the API refuses an
    out-of-range page or size rather than clamping it)."""
    if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise Invalid(f"页码须 ≥ 1，每页数量须在 1—{MAX_PAGE_SIZE} 之间。")
    mine = [Notification.recipient == recipient_id]
    if unread_only:
        mine.append(Notification.read_at.is_null())
    total = await Notification.count().where(*mine)
    rows = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.title,
            Notification.body,
            Notification.link,
            Notification.created_at,
            Notification.read_at,
        )
        .where(*mine)
        .order_by(Notification.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return rows, total
