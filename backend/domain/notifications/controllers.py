"""消息: the signed-in user's own messages, newest first; reading them marks them read."""

from __future__ import annotations

import datetime as dt
import math

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from backend.db.tables import Notification
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.params import QueryPage

PAGE_SIZE = 30


class NotificationController(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications", opt={"access": Access.ACCOUNT})
    async def page(self, request: Request, page: QueryPage = 1) -> Template:
        user = current_user(request)
        assert user is not None
        mine = Notification.recipient == user.id
        total = await Notification.count().where(mine)
        pages = max(1, math.ceil(total / PAGE_SIZE))
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
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
        return Template(
            template_name="notifications/list.html",
            context={
                "rows": rows,
                "total": total,
                "page": page,
                "pages": pages,
                "offset": (page - 1) * PAGE_SIZE,
                "active_menu": "notifications",
            },
        )

    @post("/read", opt={"access": Access.ACCOUNT}, status_code=303)
    async def read_all(self, request: Request) -> Redirect:
        user = current_user(request)
        assert user is not None
        await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
            Notification.recipient == user.id, Notification.read_at.is_null()
        )
        return Redirect(path="/notifications", status_code=303)
