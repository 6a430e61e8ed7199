"""Server-side sessions with ids the server chose: an id presented by a client that the store
does not hold is never adopted (Litestar's own backend adopts it: session fixation).

Idle timeout: `SESSION_IDLE_MINUTES` since the last request. Absolute limit:
`SESSION_ABSOLUTE_HOURS` since login, however active (Litestar's max_age only slides)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from backend.db.tables import WebSession
from backend.settings import Settings, get_settings

TOUCH_EVERY = dt.timedelta(seconds=60)  # fewer writes: last_seen moves at most once a minute
# A session that has passed the password but not the second factor lives this long at most.
MFA_PENDING_LIMIT = dt.timedelta(minutes=10)


def cookie_name(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return "__Host-hegui_sid" if settings.secure_cookies else "hegui_sid"


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    id_hash: str
    account_id: int
    mfa_pending: bool = False


async def create_session(
    account_id: int, *, ip: str = "", user_agent: str = "", mfa_pending: bool = False
) -> str:
    session_id = secrets.token_hex(32)
    await WebSession.insert(
        WebSession(
            id_hash=hash_id(session_id),
            account=account_id,
            ip=ip[:45],
            user_agent=user_agent[:255],
            mfa_pending=mfa_pending,
        )
    )
    return session_id


async def load_session(session_id: str, now: dt.datetime | None = None) -> LiveSession | None:
    if not session_id or len(session_id) != 64:
        return None
    settings = get_settings()
    now = now or dt.datetime.now(dt.UTC)
    key = hash_id(session_id)
    row = (
        await WebSession.select(
            WebSession.account,
            WebSession.created_at,
            WebSession.last_seen_at,
            WebSession.mfa_pending,
        )
        .where(WebSession.id_hash == key)
        .first()
    )
    if row is None:
        return None
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    absolute = dt.timedelta(hours=settings.session_absolute_hours)
    if row["mfa_pending"]:
        absolute = min(absolute, MFA_PENDING_LIMIT)
    if now - row["last_seen_at"] > idle or now - row["created_at"] > absolute:
        await WebSession.delete().where(WebSession.id_hash == key)
        return None
    if now - row["last_seen_at"] > TOUCH_EVERY:
        await WebSession.update({WebSession.last_seen_at: now}).where(WebSession.id_hash == key)
    return LiveSession(key, row["account"], bool(row["mfa_pending"]))


async def end_session(id_hash: str) -> None:
    await WebSession.delete().where(WebSession.id_hash == id_hash)


async def end_all_sessions(account_id: int, *, keep: str | None = None) -> None:
    query = WebSession.delete().where(WebSession.account == account_id)
    if keep:
        query = query.where(WebSession.id_hash != keep)
    await query
