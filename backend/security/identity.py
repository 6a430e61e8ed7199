"""Who is asking: a browser session or an API token, resolved to a CurrentUser per request,
so that a disabled account, a changed role or a moved enterprise takes effect at once."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from backend.db.tables import Account, ApiToken, Notification
from backend.security.policy import CurrentUser, Role
from backend.settings import get_settings

TOKEN_PREFIX = "hg_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def load_user(
    account_id: int,
    *,
    session_id_hash: str | None = None,
    token_id: int | None = None,
    mfa_pending: bool = False,
) -> CurrentUser | None:
    row = (
        await Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.role,
            Account.active,
            Account.must_change_password,
            Account.password_changed_at,
            Account.enterprise.id.as_alias("enterprise_id"),
            Account.enterprise.group_id.as_alias("group_id"),
            Account.enterprise.name.as_alias("enterprise_name"),
            Account.enterprise.active.as_alias("enterprise_active"),
        )
        .where(Account.id == account_id)
        .first()
    )
    if row is None or not row["active"]:
        return None
    if row["enterprise_id"] is not None and not row["enterprise_active"]:
        return None
    unread = 0
    if session_id_hash is not None:  # pages show the count; API clients do not need it
        unread = await Notification.count().where(
            Notification.recipient == account_id, Notification.read_at.is_null()
        )
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"] or row["username"],
        role=Role(row["role"]),
        enterprise_id=row["enterprise_id"],
        group_id=row["group_id"] or row["enterprise_id"],
        enterprise_name=row["enterprise_name"] or "",
        must_change_password=row["must_change_password"] or password_expired(row),
        session_id_hash=session_id_hash,
        token_id=token_id,
        unread=unread,
        mfa_pending=mfa_pending,
    )


def password_expired(row: dict[str, Any], now: dt.datetime | None = None) -> bool:
    days = get_settings().password_max_age_days
    changed = row.get("password_changed_at")
    if days <= 0 or changed is None:
        return False
    age: dt.timedelta = (now or dt.datetime.now(dt.UTC)) - changed
    return age > dt.timedelta(days=days)


async def user_for_token(token: str) -> CurrentUser | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.account, ApiToken.last_used_at)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    now = dt.datetime.now(dt.UTC)
    if row["last_used_at"] is None or now - row["last_used_at"] > dt.timedelta(minutes=5):
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    user = await load_user(row["account"], token_id=row["id"])
    # A token cannot be used to get round a pending password change.
    return None if user is None or user.must_change_password else user
