"""Account operations. Each one that changes something writes its audit record in the same
transaction, so the change and its trace commit together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.db.tables import Account, Enterprise, PasswordHistory
from backend.db.transactions import write_transaction
from backend.domain.accounts import lockout
from backend.domain.accounts.mfa import mfa_required
from backend.domain.accounts.tokens import create_token, revoke_all_tokens, revoke_token
from backend.security.audit import Actor, AuditAction, record
from backend.security.passwords import (
    PasswordPolicy,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from backend.security.policy import ENTERPRISE_ROLES, Role
from backend.security.sessions import end_all_sessions
from backend.settings import get_settings

LOGIN_FAILED = "用户名或密码错误。"
__all__ = ["create_token", "revoke_token"]  # their home is tokens.py; kept importable here


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class LoginOutcome:
    account_id: int | None
    message: str = ""
    must_change_password: bool = False
    second_factor: bool = False  # the password was right; a TOTP code must follow


def policy() -> PasswordPolicy:
    settings = get_settings()
    return PasswordPolicy(settings.password_min_length, settings.password_min_classes)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def authenticate(username: str, password: str, *, ip: str = "") -> LoginOutcome:
    """Per-account throttling kept in the database (see lockout.py): it survives restarts and
    is shared by every app process. Unknown names and wrong passwords get the same answer; a
    locked account checks nothing and gives one answer to right and wrong passwords alike."""
    row = await Account.select().where(Account.username == username.strip()).first()
    if row is None:
        await verify_password(None, password)  # the same work as a wrong password
        actor = Actor(None, username.strip()[:60], None, ip)
        await record(AuditAction.LOGIN_FAILED, actor, changes={"reason": "unknown_user"})
        return LoginOutcome(None, LOGIN_FAILED)
    actor = Actor(row["id"], row["username"], row["enterprise"], ip)
    attempt = await lockout.reserve(row["id"])
    if attempt is None:
        await record(AuditAction.LOGIN_FAILED, actor, changes={"reason": "locked"})
        return LoginOutcome(None, await lockout.locked_message(row["id"]))
    ok = await verify_password(row["password_hash"], password)
    if not ok or not row["active"]:
        await _audit_failure(actor, attempt, "wrong_password" if row["active"] else "disabled")
        return LoginOutcome(None, LOGIN_FAILED)
    async with write_transaction():
        also: dict = {Account.last_login_at: _now()}
        if needs_rehash(row["password_hash"]):
            also[Account.password_hash] = await hash_password(password)
        if mfa_required(row["role"]):
            # Only the password step: the attempt keeps its slot until the second factor is
            # right (mfa.verify starts the window again), so signing in again and again gives
            # no fresh code guesses.
            if also:
                await Account.update(also).where(Account.id == row["id"])
        else:
            await lockout.succeeded(row["id"], also)
        # With a second factor due, this is only the password step (mfa.verify logs the rest).
        step = {"step": "password"} if mfa_required(row["role"]) else {}
        await record(AuditAction.LOGIN, actor, entity="account", entity_id=row["id"], changes=step)
    return LoginOutcome(
        row["id"],
        must_change_password=row["must_change_password"],
        second_factor=mfa_required(row["role"]),
    )


async def _audit_failure(actor: Actor, attempt: lockout.Attempt, reason: str) -> None:
    """A wrong secret keeps its reserved slot; the one that took the last slot locked it."""
    async with write_transaction():
        if attempt.locks:
            # A lockout counts against an existing account: the actor carries its id.
            account_id = actor.id if actor.id is not None else ""
            await record(AuditAction.LOCKOUT, actor, entity="account", entity_id=account_id)
        await record(
            AuditAction.LOGIN_FAILED,
            actor,
            changes={"failed_logins": attempt.number, "reason": reason},
        )


async def create_account(
    actor: Actor,
    *,
    username: str,
    role: str,
    display_name: str = "",
    enterprise_id: int | None = None,
    password: str | None = None,
) -> tuple[int, str]:
    """Returns the new id and its initial password (generated unless given), to show once."""
    username = username.strip()
    if (
        not username
        or len(username) > 60
        or not username.replace("_", "").replace(".", "").isalnum()
    ):
        raise AccountError("用户名须为 1—60 位字母、数字、下划线或点。")
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(f"角色“{role}”无效。") from None
    if role_value in ENTERPRISE_ROLES and enterprise_id is None:
        raise AccountError("企业账户必须绑定所属企业。")
    if role_value not in ENTERPRISE_ROLES:
        enterprise_id = None
    if enterprise_id is not None and not await Enterprise.exists().where(
        Enterprise.id == enterprise_id,
        Enterprise.active == True,  # noqa: E712
    ):
        raise AccountError("所选企业不存在或已停用。")
    if enterprise_id is not None and await Enterprise.exists().where(
        Enterprise.id == enterprise_id, Enterprise.parent.is_not_null()
    ):
        raise AccountError("企业账户须绑定到集团（市属一级或提级管理企业），其可代所属子企业报送。")
    if await Account.exists().where(Account.username == username):
        raise AccountError(f"用户名“{username}”已被使用。")
    initial = password or generate_password()
    if password is not None and (problems := policy().problems(password, username=username)):
        raise AccountError("；".join(problems) + "。")
    hashed = await hash_password(initial)
    async with write_transaction():
        rows = await Account.insert(
            Account(
                username=username,
                display_name=display_name.strip()[:60],
                role=role_value.value,
                enterprise=enterprise_id,
                password_hash=hashed,
                must_change_password=True,
                password_changed_at=_now(),
            )
        ).returning(Account.id)
        account_id = rows[0]["id"]
        await PasswordHistory.insert(PasswordHistory(account=account_id, password_hash=hashed))
        await record(
            AuditAction.USER_CREATE,
            actor,
            entity="account",
            entity_id=account_id,
            enterprise_id=enterprise_id,
            changes={"username": username, "role": role_value.value, "display_name": display_name},
        )
    return account_id, initial


async def change_password(
    actor: Actor, account_id: int, current: str, new: str, *, keep_session: str | None = None
) -> None:
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        raise AccountError("未找到该用户。")
    # The current password is a secret check like a login: the same slots, the same lock.
    attempt = await lockout.reserve(account_id)
    if attempt is None:
        await record(AuditAction.LOGIN_FAILED, actor, changes={"reason": "locked"})
        raise AccountError(await lockout.locked_message(account_id))
    if not await verify_password(row["password_hash"], current):
        await _audit_failure(actor, attempt, "wrong_current_password")
        raise AccountError("当前密码不正确。")
    await lockout.succeeded(account_id)
    if problems := policy().problems(new, username=row["username"]):
        raise AccountError("；".join(problems) + "。")
    if new == current:
        raise AccountError("新密码不能与当前密码相同。")
    history = (
        await PasswordHistory.select(PasswordHistory.password_hash)
        .where(PasswordHistory.account == account_id)
        .order_by(PasswordHistory.id, ascending=False)
        .limit(get_settings().password_history)
    )
    for old in history:
        if await verify_password(old["password_hash"], new):
            raise AccountError(f"新密码不能与最近 {len(history)} 次使用过的密码相同。")
    hashed = await hash_password(new)
    async with write_transaction():
        await Account.update(
            {
                Account.password_hash: hashed,
                Account.must_change_password: False,
                Account.password_changed_at: _now(),
            }
        ).where(Account.id == account_id)
        await PasswordHistory.insert(PasswordHistory(account=account_id, password_hash=hashed))
        await end_all_sessions(account_id, keep=keep_session)
        await record(AuditAction.PASSWORD_CHANGE, actor, entity="account", entity_id=account_id)


async def reset_password(actor: Actor, account_id: int) -> str:
    """A new one-time initial password; every session of the account ends."""
    initial = generate_password()
    hashed = await hash_password(initial)
    async with write_transaction():
        count = await Account.count().where(Account.id == account_id)
        if not count:
            raise AccountError("未找到该用户。")
        await Account.update(
            {
                Account.password_hash: hashed,
                Account.must_change_password: True,
                Account.password_changed_at: _now(),
                Account.failed_logins: 0,
                Account.locked_until: None,
            }
        ).where(Account.id == account_id)
        await end_all_sessions(account_id)
        revoked = await revoke_all_tokens(account_id)
        await record(
            AuditAction.PASSWORD_RESET,
            actor,
            entity="account",
            entity_id=account_id,
            changes={"revoked_access": revoked} if revoked else None,
        )
    return initial


async def set_active(actor: Actor, account_id: int, active: bool) -> None:
    if actor.id == account_id and not active:
        raise AccountError("不能停用自己的账户。")
    async with write_transaction():
        await Account.update({Account.active: active}).where(Account.id == account_id)
        if not active:
            await end_all_sessions(account_id)
            await revoke_all_tokens(account_id)
        action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
        await record(action, actor, entity="account", entity_id=account_id)


async def unlock(actor: Actor, account_id: int) -> None:
    async with write_transaction():
        await Account.update({Account.locked_until: None, Account.failed_logins: 0}).where(
            Account.id == account_id
        )
        await record(AuditAction.UNLOCK, actor, entity="account", entity_id=account_id)
