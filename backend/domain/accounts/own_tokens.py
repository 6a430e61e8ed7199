"""我的接口令牌: every account issues and revokes its own API tokens, and only its own."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template

from backend.db.tables import ApiToken
from backend.domain.accounts.controllers import actor_for
from backend.domain.accounts.tokens import create_token, revoke_token
from backend.domain.errors import DomainError, Forbidden
from backend.security.guards import current_user
from backend.security.policy import Access

OWN = {"access": Access.ACCOUNT}


@dataclass
class TokenForm:
    name: str = ""


async def own_tokens(account_id: int) -> list[dict]:
    return (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.account == account_id)
        .order_by(ApiToken.id, ascending=False)
    )


class OwnTokenController(Controller):
    path = "/account/tokens"
    include_in_schema = False

    async def _page(self, request: Request, *, secret: str = "", notice: str = "") -> Template:
        user = current_user(request)
        assert user is not None
        return Template(
            template_name="accounts/tokens.html",
            context={"tokens": await own_tokens(user.id), "secret": secret, "notice": notice},
        )

    @get("/", name="accounts:tokens", opt=OWN)
    async def page(self, request: Request) -> Template:
        return await self._page(request)

    @post("/", opt=OWN, status_code=200)
    async def issue(self, request: Request, data: URLEncodedBody[TokenForm]) -> Template:
        user = current_user(request)
        assert user is not None
        if user.session_id_hash is None:  # a token may not breed tokens: a signed-in person only
            raise Forbidden("接口令牌只能在登录后的页面上签发。")
        try:
            token = await create_token(
                actor_for(request, user), user.id, data.name.strip() or "接口令牌"
            )
        except DomainError as exc:
            return await self._page(request, notice=exc.message)
        return await self._page(
            request, secret=token, notice="已签发接口令牌，请立即复制保存：系统只保存其摘要。"
        )

    @post("/{token_id:int}/revoke", opt=OWN, status_code=200)
    async def revoke(self, request: Request, token_id: FromPath[int]) -> Template:
        user = current_user(request)
        assert user is not None
        await revoke_token(actor_for(request, user), token_id, owner_id=user.id)
        return await self._page(request, notice="接口令牌已吊销。")
