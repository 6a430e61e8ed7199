"""In-app notifications to an enterprise group's accounts, written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from backend.db.tables import Account, Notification
from backend.security.policy import ENTERPRISE_ROLES


async def notify_group(
    group_id: int, enterprise_id: int, *, kind: str, title: str, body: str = ""
) -> int:
    """One notification per active enterprise account of the group; returns how many."""
    recipients = await Account.select(Account.id).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in([r.value for r in ENTERPRISE_ROLES]),
        (Account.enterprise.group_id == group_id) | (Account.enterprise == group_id),
    )
    if recipients:
        rows: list[Any] = [
            Notification(
                recipient=r["id"],
                enterprise=enterprise_id,
                kind=kind,
                title=title[:200],
                body=body[:4000],
                link="/workspace",  # where an enterprise account answers it
            )
            for r in recipients
        ]
        await Notification.insert(*rows)
    return len(recipients)
