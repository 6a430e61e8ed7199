"""In-app notifications (and their e-mails) to an enterprise group's accounts, written in the
caller's transaction."""

from __future__ import annotations

from backend.db.tables import Account
from backend.domain.mail.compose import MailFacts
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.rules.messages import NotificationKind
from backend.security.policy import ENTERPRISE_ROLES


async def notify_group(
    group_id: int,
    enterprise_id: int,
    *,
    kind: str,
    title: str,
    body: str = "",
    facts: MailFacts | None = None,
) -> int:
    """One notification per active enterprise account of the group; returns how many."""
    recipients = await Account.select(Account.id).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in([r.value for r in ENTERPRISE_ROLES]),
        (Account.enterprise.group_id == group_id) | (Account.enterprise == group_id),
    )
    ids = await deliver(
        [
            Outgoing(
                recipient=r["id"],
                kind=NotificationKind(kind),
                title=title,
                body=body,
                link="/workspace",  # where an enterprise account answers it
                enterprise=enterprise_id,
                facts=facts,
            )
            for r in recipients
        ]
    )
    return len(ids)
