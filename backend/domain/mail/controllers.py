"""发送记录: the outbox for the system administrator — filter by status, sort, page, and send a
failed e-mail again (confirmed in the page, audited)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.domain.errors import DomainError
from backend.domain.mail.service import DEFAULT_SORT, outbox_page, retry_mail
from backend.rules.messages import NotificationKind, OutboxStatus
from backend.security.policy import Access
from backend.web.dependencies import ActorDep
from backend.web.params import QueryPage

ADMIN = {"access": Access.ADMIN}
PAGE_SIZE = 50


class MailOutboxController(Controller):
    path = "/admin/mail"
    include_in_schema = False

    @get("/", name="admin:mail", opt=ADMIN)
    async def list_page(
        self,
        request: Request,
        status: FromQuery[str] = "",
        sort: FromQuery[str] = DEFAULT_SORT,
        page: QueryPage = 1,
        done: FromQuery[str] = "",
    ) -> Template:
        notice = "已安排重新发送，将在一分钟内发出。" if done else ""
        try:
            context = await outbox_page(status, sort, page, PAGE_SIZE)
        except DomainError as exc:
            context = await outbox_page("", sort, page, PAGE_SIZE)
            notice, status = exc.message, ""
        return Template(
            template_name="admin/mail.html",
            context={
                **context,
                "status": status,
                "sort": sort,
                "notice": notice,
                "statuses": OutboxStatus.labels(),
                "kinds": NotificationKind.labels(),
                "active_menu": "admin_mail",
            },
        )

    @post("/{outbox_id:int}/retry", opt=ADMIN, status_code=303)
    async def retry(
        self, request: Request, actor: ActorDep, outbox_id: FromPath[int]
    ) -> Redirect | Template:
        try:
            await retry_mail(actor, outbox_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            context = await outbox_page("", DEFAULT_SORT, 1, PAGE_SIZE)
            return Template(
                template_name="admin/mail.html",
                context={
                    **context,
                    "status": "",
                    "sort": DEFAULT_SORT,
                    "notice": exc.message,
                    "statuses": OutboxStatus.labels(),
                    "kinds": NotificationKind.labels(),
                    "active_menu": "admin_mail",
                },
                status_code=409,
            )
        return Redirect(path="/admin/mail?done=1", status_code=303)
