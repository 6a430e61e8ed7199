"""我的邮箱: every account sets (or clears) its own e-mail address for message copies."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Template

from backend.db.tables import Account
from backend.domain.accounts.email import set_email
from backend.domain.accounts.service import AccountError
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import ActorDep

OWN = {"access": Access.ACCOUNT}


@dataclass
class EmailForm:
    email: str = ""


class OwnEmailController(Controller):
    path = "/account/email"
    include_in_schema = False

    async def _page(
        self, request: Request, *, value: str | None = None, notice: str = "", error: str = ""
    ) -> Template:
        user = current_user(request)
        assert user is not None
        row = await Account.select(Account.email).where(Account.id == user.id).first()
        return Template(
            template_name="accounts/email.html",
            context={
                "email": row["email"] if value is None and row else (value or ""),
                "notice": notice,
                "error": error,
                "mail_enabled": get_settings().mail_enabled,
            },
            status_code=422 if error else 200,
        )

    @get("/", name="accounts:email", opt=OWN)
    async def page(self, request: Request) -> Template:
        return await self._page(request)

    @post("/", opt=OWN, status_code=200)
    async def save(
        self, request: Request, actor: ActorDep, data: URLEncodedBody[EmailForm]
    ) -> Template:
        user = current_user(request)
        assert user is not None
        try:
            changed = await set_email(actor, user.id, data.email)
        except AccountError as exc:
            return await self._page(request, value=data.email, error=str(exc))
        if not changed:
            return await self._page(request, notice="没有修改。")
        return await self._page(
            request, notice="电子邮箱已保存。" if data.email.strip() else "电子邮箱已清除。"
        )
