"""消息: the signed-in user's own messages, newest first; reading them marks them read."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.domain.notifications.service import mark_all_read, notifications_page
from backend.security.guards import current_user
from backend.security.policy import Access

PAGE_SIZE = 30


class NotificationController(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications", opt={"access": Access.ACCOUNT})
    async def page(self, request: Request, page: FromQuery[int] = 1) -> Template:
        user = current_user(request)
        assert user is not None
        context = await notifications_page(user.id, page, PAGE_SIZE)
        return Template(
            template_name="notifications/list.html",
            context={**context, "active_menu": "notifications"},
        )

    @post("/read", opt={"access": Access.ACCOUNT}, status_code=303)
    async def read_all(self, request: Request) -> Redirect:
        user = current_user(request)
        assert user is not None
        await mark_all_read(user.id)
        return Redirect(path="/notifications", status_code=303)
