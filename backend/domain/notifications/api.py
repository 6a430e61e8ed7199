"""GET /api/v1/notifications: the caller's own messages, newest first, paged."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery

from backend.domain.notifications.schemas import NotificationOut, NotificationPageOut
from backend.domain.notifications.service import api_page
from backend.rules.messages import NotificationKind
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.params import QueryPage


class NotificationApiController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]

    @get(
        "/",
        operation_id="ListNotifications",
        summary="我的消息",
        opt={"access": Access.ACCOUNT},
    )
    async def list_notifications(
        self,
        request: Request,
        page: QueryPage = 1,
        page_size: QueryPage = 50,
        unread: FromQuery[bool] = False,
    ) -> NotificationPageOut:
        """The caller's messages (reminders, overdue notices, 催报, review results, new
        submissions, the reviewers' digest), newest first; `unread=true` only those unread."""
        user = current_user(request)
        assert user is not None
        rows, total = await api_page(user.id, page, page_size, unread_only=unread)
        return NotificationPageOut(
            items=[
                NotificationOut(
                    id=r["id"],
                    kind=NotificationKind(r["kind"])
                    if r["kind"] in NotificationKind.labels()
                    else NotificationKind.REVIEW,
                    title=r["title"],
                    body=r["body"],
                    created_at=r["created_at"],
                    read_at=r["read_at"],
                    link=r["link"],
                )
                for r in rows
            ],
            total=total,
            page=page,
            page_size=page_size,
        )
