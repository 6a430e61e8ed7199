"""Every in-app message is written here: the message rows, and for each recipient with an
e-mail address (when SMTP is configured) an outbox row, in the caller's transaction, so an
e-mail exists exactly when its message does and nothing is lost between the two."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piccolo.columns import Column

from backend.db.bulk import insert_rows
from backend.db.tables import Account, Notification
from backend.domain.mail.compose import MailFacts
from backend.domain.mail.outbox import Letter, enqueue
from backend.rules.messages import NotificationKind

COLUMNS: list[Column] = [
    Notification.recipient,
    Notification.enterprise,
    Notification.kind,
    Notification.title,
    Notification.body,
    Notification.link,
    Notification.created_at,
]


@dataclass(frozen=True, slots=True)
class Outgoing:
    recipient: int
    kind: NotificationKind
    title: str
    body: str = ""
    link: str = ""
    enterprise: int | None = None
    facts: MailFacts | None = None


async def deliver(messages: list[Outgoing]) -> list[int]:
    """Insert the messages (and their e-mails); returns the new message ids, in order.
    Call it inside the transaction that makes the event happen."""
    if not messages:
        return []
    now = dt.datetime.now(dt.UTC)
    rows = [
        (m.recipient, m.enterprise, m.kind.value, m.title[:200], m.body[:4000], m.link[:255], now)
        for m in messages
    ]
    created = await insert_rows(Notification, COLUMNS, rows, returning=[Notification.id])
    # Serial ids are drawn in VALUES order within one statement, and statements run in order:
    # sorted, they pair up with the messages whatever order RETURNING lists them in.
    ids = sorted(r["id"] for r in created)
    addresses = await _addresses({m.recipient for m in messages})
    letters = [
        Letter(
            notification=notification_id,
            recipient=m.recipient,
            to_address=addresses[m.recipient][0],
            recipient_name=addresses[m.recipient][1],
            kind=m.kind,
            title=m.title,
            body=m.body,
            link=m.link,
            facts=m.facts,
        )
        for notification_id, m in zip(ids, messages, strict=True)
        if m.recipient in addresses
    ]
    await enqueue(letters)
    return ids


async def _addresses(recipients: set[int]) -> dict[int, tuple[str, str]]:
    """Account id → (e-mail address, display name) for those that have an address."""
    rows = await Account.select(Account.id, Account.email, Account.display_name).where(
        Account.id.is_in(sorted(recipients)), Account.email != ""
    )
    return {r["id"]: (r["email"], r["display_name"]) for r in rows}
