"""The outbox: rows written with their messages, claimed one by one by a conditional update
(pending → sending, only if still pending) so that two senders never send the same row, and
marked sent, or pending again with a backoff, or failed after the last try."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from backend.db.tables import MailOutbox
from backend.domain.mail.compose import MailFacts, compose
from backend.rules.messages import MAX_ATTEMPTS, NotificationKind, OutboxStatus, backoff
from backend.settings import get_settings

# A row left "sending" this long belonged to a worker that died mid-send: it goes back to
# pending. (The server may have taken it: the Message-ID lets mail clients drop the copy.)
STALE_CLAIM = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Letter:
    notification: int | None
    recipient: int | None
    to_address: str
    recipient_name: str
    kind: NotificationKind
    title: str
    body: str
    link: str
    facts: MailFacts | None = None


async def enqueue(letters: list[Letter]) -> int:
    """Outbox rows for the letters, in the caller's transaction; none while SMTP is unset."""
    if not letters or not get_settings().mail_enabled:
        return 0
    rows: list[Any] = []
    for letter in letters:
        subject, body = compose(
            recipient=letter.recipient_name,
            title=letter.title,
            body=letter.body,
            link=letter.link,
            facts=letter.facts,
        )
        rows.append(
            MailOutbox(
                notification=letter.notification,
                recipient=letter.recipient,
                to_address=letter.to_address,
                kind=letter.kind.value,
                subject=subject,
                body=body,
            )
        )
    for start in range(0, len(rows), 500):  # within both engines' parameter limits
        await MailOutbox.insert(*rows[start : start + 500])
    return len(rows)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def release_stale_claims(now: dt.datetime | None = None) -> int:
    moment = now or _now()
    rows = (
        await MailOutbox.update(
            {MailOutbox.status: OutboxStatus.PENDING.value, MailOutbox.claim_token: ""}
        )
        .where(
            MailOutbox.status == OutboxStatus.SENDING.value,
            MailOutbox.claimed_at < moment - STALE_CLAIM,
        )
        .returning(MailOutbox.id)
    )
    return len(rows)


async def claim_due(limit: int, now: dt.datetime | None = None) -> list[Claimed]:
    """Up to `limit` due rows, each taken by a conditional update this call won."""
    moment = now or _now()
    due = (
        await MailOutbox.select(MailOutbox.id)
        .where(
            MailOutbox.status == OutboxStatus.PENDING.value,
            MailOutbox.next_attempt_at <= moment,
        )
        .order_by(MailOutbox.id)
        .limit(limit)
    )
    token = secrets.token_hex(8)
    claimed: list[Claimed] = []
    for row in due:
        won = (
            await MailOutbox.update(
                {
                    MailOutbox.status: OutboxStatus.SENDING.value,
                    MailOutbox.claimed_at: moment,
                    MailOutbox.claim_token: token,
                    MailOutbox.attempts: MailOutbox.attempts + 1,
                }
            )
            .where(MailOutbox.id == row["id"], MailOutbox.status == OutboxStatus.PENDING.value)
            .returning(
                MailOutbox.id,
                MailOutbox.to_address,
                MailOutbox.subject,
                MailOutbox.body,
                MailOutbox.attempts,
            )
        )
        if won:  # another sender took it between the select and the update otherwise
            claimed.append(Claimed(**won[0]))
    return claimed


async def mark_sent(row_id: int, now: dt.datetime | None = None) -> None:
    await MailOutbox.update(
        {
            MailOutbox.status: OutboxStatus.SENT.value,
            MailOutbox.sent_at: now or _now(),
            MailOutbox.last_error: "",
        }
    ).where(MailOutbox.id == row_id, MailOutbox.status == OutboxStatus.SENDING.value)


async def mark_failed(
    row_id: int, attempts: int, error: str, now: dt.datetime | None = None
) -> OutboxStatus:
    """Pending again after the backoff, or failed for good after the last try."""
    moment = now or _now()
    status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
    await MailOutbox.update(
        {
            MailOutbox.status: status.value,
            MailOutbox.last_error: error[:1000],
            MailOutbox.next_attempt_at: moment + backoff(attempts),
            MailOutbox.claim_token: "",
        }
    ).where(MailOutbox.id == row_id, MailOutbox.status == OutboxStatus.SENDING.value)
    return status


async def retry(row_id: int) -> bool:
    """A failed (or waiting) row goes out on the next send, with a fresh count of tries."""
    rows = await (
        MailOutbox.update(
            {
                MailOutbox.status: OutboxStatus.PENDING.value,
                MailOutbox.attempts: 0,
                MailOutbox.next_attempt_at: _now(),
            }
        )
        .where(
            MailOutbox.id == row_id,
            MailOutbox.status.is_in([OutboxStatus.FAILED.value, OutboxStatus.PENDING.value]),
        )
        .returning(MailOutbox.id)
    )
    return bool(rows)


async def waiting_counts() -> dict[str, int]:
    """How many rows stand in each status (the outbox length on the 后台任务 page)."""
    counts = {status.value: 0 for status in OutboxStatus}
    for status in OutboxStatus:
        counts[status.value] = await MailOutbox.count().where(MailOutbox.status == status.value)
    return counts
