"""The per-account lockout: a fixed number of secret checks per lock window, whatever the
parallelism.

An attempt first *reserves* a slot with one conditional UPDATE in the database
(`failed_logins < N AND locked_until IS NULL`), and only a request holding a slot may check a
password or a code. The database serialises the UPDATEs (a row lock on PostgreSQL, the write
lock on SQLite), so N parallel requests in any number of processes reserve at most N slots; the
one that takes the last slot sets the lock in the same transaction, before any hash is checked.
A correct secret gives every slot back (`succeeded`); a wrong one keeps its slot. While locked,
nothing is checked and right and wrong secrets get the same answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.db.tables import Account
from backend.db.transactions import write_transaction
from backend.settings import get_settings

BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Attempt:
    """A reserved slot: the how-many-th attempt of this window, and whether it was the last."""

    number: int
    locks: bool


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def reserve(account_id: int) -> Attempt | None:
    """One slot of the current window, or None when the account is locked (or every slot is
    taken by attempts still in flight): then the caller must check nothing."""
    settings = get_settings()
    limit = max(settings.login_max_failures, 1)
    for _ in range(2):
        async with write_transaction():
            rows = (
                await Account.update({Account.failed_logins: Account.failed_logins + 1})
                .where(
                    Account.id == account_id,
                    Account.failed_logins < limit,
                    Account.locked_until.is_null(),
                )
                .returning(Account.failed_logins)
            )
            if rows:
                number = rows[0]["failed_logins"]
                if number >= limit:  # the last slot: locked before its secret is even checked
                    until = _now() + dt.timedelta(minutes=settings.lockout_minutes)
                    await Account.update({Account.locked_until: until}).where(
                        Account.id == account_id
                    )
                return Attempt(number, number >= limit)
        # Refused. If the lock has run out, open a new window (one request wins) and retry.
        reopened = (
            await Account.update({Account.failed_logins: 0, Account.locked_until: None})
            .where(Account.id == account_id, Account.locked_until <= _now())
            .returning(Account.id)
        )
        if not reopened:
            return None
    return None


async def succeeded(account_id: int, also: dict | None = None) -> None:
    """The secret was right: the window starts again (and the lock its last slot set goes)."""
    update = {Account.failed_logins: 0, Account.locked_until: None, **(also or {})}
    await Account.update(update).where(Account.id == account_id)


async def locked_message(account_id: int) -> str:
    row = await Account.select(Account.locked_until).where(Account.id == account_id).first()
    until = row["locked_until"] if row else None
    if until is None:  # every slot is held by attempts in flight: as good as locked
        until = _now() + dt.timedelta(minutes=get_settings().lockout_minutes)
    return f"账户已被锁定，请于 {until.astimezone(BEIJING):%H:%M} 后重试，或联系系统管理员解锁。"
