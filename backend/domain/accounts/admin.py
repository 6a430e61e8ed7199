"""用户管理 for the system administrator: create, edit, disable, unlock, reset passwords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from backend.db.tables import Account, ApiToken, Enterprise
from backend.db.transactions import write_transaction
from backend.domain.accounts import mfa
from backend.domain.accounts.admin_support import (
    _account,
    _enterprise_id,
    _groups_and_enterprises,
    _separation,
)
from backend.domain.accounts.email import clean_email, set_email
from backend.domain.accounts.service import (
    AccountError,
    create_account,
    reset_password,
    revoke_token,
    set_active,
    unlock,
)
from backend.domain.accounts.tokens import NOT_FOR_OTHERS
from backend.domain.errors import DomainError
from backend.domain.shared.sorting import parse_sort
from backend.lib.timeutil import now
from backend.security.audit import AuditAction, record
from backend.security.dependencies import actor_for
from backend.security.policy import ENTERPRISE_ROLES, Access, Role
from backend.security.sessions import end_all_sessions
from backend.web.dependencies import ActorDep
from backend.web.paging import page_of
from backend.web.params import QueryPage

PAGE_SIZE = 50
ADMIN = {"access": Access.ADMIN}


ROLE_CHOICES = {role: role.label for role in Role}  # for the role <select>s


# The user list's sortable columns (URL key → column); a key outside them is ignored.
USER_SORT: dict[str, Any] = {
    "username": Account.username,
    "display_name": Account.display_name,
    "role": Account.role,
    "enterprise": Account.enterprise.name,
    "last_login": Account.last_login_at,
}


@dataclass
class UserForm:
    username: str = ""
    display_name: str = ""
    role: str = ""
    enterprise_id: str = ""
    email: str = ""


class UserAdminController(Controller):
    path = "/admin/users"
    include_in_schema = False

    @get("/", name="admin:users", opt=ADMIN)
    async def list_page(
        self,
        request: Request,
        q: FromQuery[str] = "",
        role: FromQuery[str] = "",
        page: QueryPage = 1,
    ) -> Template:
        query = Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.role,
            Account.active,
            Account.locked_until,
            Account.last_login_at,
            Account.enterprise.name.as_alias("enterprise_name"),
        )
        if q.strip():
            needle = f"%{q.strip()}%"
            query = query.where(Account.username.ilike(needle) | Account.display_name.ilike(needle))
        if role in {r.value for r in Role}:
            query = query.where(Account.role == role)
        sort = parse_sort(request.query_params.get("sort"), USER_SORT, "username")
        column = USER_SORT[sort.key]
        ordered = query.order_by(column, ascending=not sort.descending)
        rows = await ordered.order_by(Account.username)  # ties: by user name, stable
        context = {
            **page_of(rows, page, PAGE_SIZE),
            "q": q,
            "role": role,
            "sort": sort,
            "params": {"q": q, "role": role, "sort": sort.param},
            "roles": ROLE_CHOICES,
            "now": now(),
            "active_menu": "users",
        }
        return Template(template_name="admin/users.html", context=context)

    @get("/new", name="admin:user_new", opt=ADMIN)
    async def new_page(self) -> Template:
        return Template(
            template_name="admin/user_form.html",
            context={
                "form": UserForm(),
                "roles": ROLE_CHOICES,
                "enterprises": await _groups_and_enterprises(),
                "error": "",
                "active_menu": "users",
            },
        )

    @post("/", opt=ADMIN, status_code=200)
    async def create(
        self, request: Request, actor: ActorDep, data: URLEncodedBody[UserForm]
    ) -> Template:
        try:
            if refused := _separation(request, None, data.role):
                raise AccountError(refused)
            clean_email(data.email)  # refused before the account exists
            account_id, initial = await create_account(
                actor,
                username=data.username,
                role=data.role,
                display_name=data.display_name,
                enterprise_id=_enterprise_id(data.enterprise_id),
            )
            await set_email(actor, account_id, data.email)
        except AccountError as exc:
            return Template(
                template_name="admin/user_form.html",
                context={
                    "form": data,
                    "roles": ROLE_CHOICES,
                    "enterprises": await _groups_and_enterprises(),
                    "error": str(exc),
                    "active_menu": "users",
                },
                status_code=422,
            )
        return await self._detail(account_id, secret=initial, notice="用户已创建。")

    async def _detail(self, account_id: int, *, secret: str = "", notice: str = "") -> Template:
        tokens = (
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
        return Template(
            template_name="admin/user_detail.html",
            context={
                "u": (u := await _account(account_id)),
                # 三员分立: the auditor's own tokens and MFA stay with the auditor
                "target_is_auditor": u["role"] == Role.AUDITOR,
                "tokens": tokens,
                "roles": ROLE_CHOICES,
                "enterprises": await _groups_and_enterprises(),
                "secret": secret,
                "notice": notice,
                "error": "",
                "now": now(),
                "enterprise_roles": {r.value for r in ENTERPRISE_ROLES},
                "mfa_enrolled": await mfa.is_enrolled(account_id),
                "mfa_codes_left": await mfa.recovery_codes_left(account_id),
                "active_menu": "users",
            },
        )

    @get("/{account_id:int}", name="admin:user", opt=ADMIN)
    async def detail(self, account_id: FromPath[int]) -> Template:
        return await self._detail(account_id)

    @post("/{account_id:int}", opt=ADMIN, status_code=200)
    async def update(
        self,
        request: Request,
        actor: ActorDep,
        account_id: FromPath[int],
        data: URLEncodedBody[UserForm],
    ) -> Template:
        before = await _account(account_id)
        if refused := _separation(request, before, data.role):
            return await self._detail(account_id, notice=refused)
        try:
            role = Role(data.role)
        except ValueError:
            return await self._detail(account_id, notice="角色无效，未保存。")
        enterprise_id = _enterprise_id(data.enterprise_id) if role in ENTERPRISE_ROLES else None
        if enterprise_id is not None and not await Enterprise.exists().where(
            Enterprise.id == enterprise_id,
            Enterprise.active == True,  # noqa: E712
            Enterprise.parent.is_null(),
        ):
            return await self._detail(account_id, notice="所属企业须为在用的集团，未保存。")
        if role in ENTERPRISE_ROLES and enterprise_id is None:
            return await self._detail(account_id, notice="企业账户必须绑定所属企业，未保存。")
        try:
            email = clean_email(data.email)
        except AccountError as exc:
            return await self._detail(account_id, notice=f"{exc}未保存。")
        changes = {
            key: {"from": before[key], "to": value}
            for key, value in (
                ("display_name", data.display_name.strip()[:60]),
                ("role", role.value),
                ("enterprise", enterprise_id),
                ("email", email),
            )
            if before[key] != value
        }
        if changes:
            async with write_transaction():
                await Account.update(
                    {
                        Account.display_name: data.display_name.strip()[:60],
                        Account.role: role.value,
                        Account.enterprise: enterprise_id,
                        Account.email: email,
                    }
                ).where(Account.id == account_id)
                if "role" in changes or "enterprise" in changes:
                    await end_all_sessions(account_id)  # new privileges, new sessions
                await record(
                    AuditAction.USER_UPDATE,
                    actor,
                    entity="account",
                    entity_id=account_id,
                    enterprise_id=enterprise_id,
                    changes=changes,
                )
        return await self._detail(account_id, notice="已保存。" if changes else "没有修改。")

    @post("/{account_id:int}/reset-password", opt=ADMIN, status_code=200)
    async def reset(self, request: Request, actor: ActorDep, account_id: FromPath[int]) -> Template:
        if refused := _separation(request, await _account(account_id)):
            return await self._detail(account_id, notice=refused)
        initial = await reset_password(actor, account_id)
        return await self._detail(
            account_id, secret=initial, notice="密码已重置，原登录已全部退出。"
        )

    @post("/{account_id:int}/mfa-reset", opt=ADMIN, status_code=200)
    async def reset_mfa(self, request: Request, account_id: FromPath[int]) -> Template:
        """The auditor's factor is reset only from the shell (三员分立, see mfa.py)."""
        if refused := _separation(request, await _account(account_id)):
            return await self._detail(account_id, notice=refused)
        await mfa.reset(actor_for(request), account_id)
        return await self._detail(
            account_id, notice="动态口令已重置，该用户下次登录须重新绑定，原登录已全部退出。"
        )

    @post("/{account_id:int}/unlock", opt=ADMIN, status_code=200)
    async def unlock_account(
        self, request: Request, actor: ActorDep, account_id: FromPath[int]
    ) -> Template:
        if refused := _separation(request, await _account(account_id)):
            return await self._detail(account_id, notice=refused)
        await unlock(actor, account_id)
        return await self._detail(account_id, notice="已解锁。")

    @post("/{account_id:int}/disable", opt=ADMIN, status_code=200)
    async def disable(
        self, request: Request, actor: ActorDep, account_id: FromPath[int]
    ) -> Template:
        if refused := _separation(request, await _account(account_id)):
            return await self._detail(account_id, notice=refused)
        try:
            await set_active(actor, account_id, False)
        except AccountError as exc:
            return await self._detail(account_id, notice=str(exc))
        return await self._detail(account_id, notice="已停用，该用户的登录和接口令牌已失效。")

    @post("/{account_id:int}/tokens", opt=ADMIN, status_code=200)
    async def issue_token(self, request: Request, account_id: FromPath[int]) -> Template:
        """Kept so that an old form or script gets a reason: nobody mints another's token."""
        account = await _account(account_id)
        refused = _separation(request, account) or NOT_FOR_OTHERS
        return await self._detail(account_id, notice=refused)

    @post("/{account_id:int}/tokens/{token_id:int}/revoke", opt=ADMIN, status_code=200)
    async def revoke(
        self, request: Request, actor: ActorDep, account_id: FromPath[int], token_id: FromPath[int]
    ) -> Template:
        await _account(account_id)
        try:
            await revoke_token(actor, token_id, owner_id=account_id)
        except DomainError as exc:
            return await self._detail(account_id, notice=exc.message)
        return await self._detail(account_id, notice="接口令牌已吊销。")

    @post("/{account_id:int}/enable", opt=ADMIN, status_code=200)
    async def enable(
        self, request: Request, actor: ActorDep, account_id: FromPath[int]
    ) -> Template | Redirect:
        if refused := _separation(request, await _account(account_id)):
            return await self._detail(account_id, notice=refused)
        await set_active(actor, account_id, True)
        return Redirect(path=f"/admin/users/{account_id}", status_code=303)
