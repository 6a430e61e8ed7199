"""API tokens. A token acts under its owner's name, so only the owner issues one (from a
signed-in browser session, /account/tokens). Nobody mints a token for someone else: not the
system administrator (it could then act as the reviewer or an enterprise), only the shell
(`hegui users token`), the break-glass path, audited under its own action. The administrator
may revoke another account's tokens, except the auditor's (三员分立)."""

from __future__ import annotations

import datetime as dt
import secrets

from backend.db.tables import Account, ApiToken
from backend.db.transactions import write_transaction
from backend.domain.errors import Conflict, Forbidden, NotFound
from backend.security.audit import Actor, AuditAction, record
from backend.security.identity import TOKEN_PREFIX, hash_token, password_expired
from backend.security.policy import Role

NOT_FOR_OTHERS = "接口令牌只能由账户本人在“我的接口令牌”页面签发，管理员不能代他人签发。"
MUST_CHANGE = "该账户须先修改密码（首次登录或密码已过期），修改后才能签发接口令牌。"
AUDITOR_TOKENS = "安全审计员的接口令牌只能由其本人吊销（三员分立）。"


async def create_token(
    actor: Actor, account_id: int, name: str = "", *, break_glass: bool = False
) -> str:
    """The token is shown once; only its SHA-256 is kept. `actor` must be the owner, or the
    system itself (`actor.id is None`: the shell); `break_glass` records the shell's issue
    under its own audit action."""
    if actor.id is not None and actor.id != account_id:
        raise Forbidden(NOT_FOR_OTHERS)
    row = (
        await Account.select(
            Account.active, Account.must_change_password, Account.password_changed_at
        )
        .where(Account.id == account_id)
        .first()
    )
    if row is None or not row["active"]:
        raise NotFound("未找到可用的用户。")
    if row["must_change_password"] or password_expired(row):
        raise Conflict(MUST_CHANGE)  # the API would refuse such a token as invalid anyway
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    action = AuditAction.TOKEN_BREAK_GLASS if break_glass else AuditAction.TOKEN_CREATE
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(
                account=account_id,
                name=name[:60],
                token_hash=hash_token(token),
                prefix=token[:10],
            )
        ).returning(ApiToken.id)
        await record(
            action,
            actor,
            entity="api_token",
            entity_id=rows[0]["id"],
            changes={"account": account_id, "name": name},
        )
    return token


async def revoke_token(actor: Actor, token_id: int, *, owner_id: int | None = None) -> None:
    """`owner_id` narrows to one account's tokens (a user revoking their own)."""
    row = (
        await ApiToken.select(ApiToken.account, ApiToken.account.role.as_alias("role"))
        .where(ApiToken.id == token_id)
        .first()
    )
    if row is None or (owner_id is not None and row["account"] != owner_id):
        raise NotFound("未找到该接口令牌。")
    if row["role"] == Role.AUDITOR and actor.id is not None and actor.id != row["account"]:
        raise Forbidden(AUDITOR_TOKENS)
    async with write_transaction():
        await ApiToken.update({ApiToken.revoked_at: dt.datetime.now(dt.UTC)}).where(
            ApiToken.id == token_id, ApiToken.revoked_at.is_null()
        )
        await record(AuditAction.TOKEN_REVOKE, actor, entity="api_token", entity_id=token_id)


async def revoke_all_tokens(account_id: int) -> int:
    """Every live token of the account stops working. Called inside the caller's transaction
    when credentials are reset or the account is disabled: a token minted by whoever held the
    account before the reset must not outlive it."""
    rows = (
        await ApiToken.update({ApiToken.revoked_at: dt.datetime.now(dt.UTC)})
        .where(ApiToken.account == account_id, ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return len(rows)
