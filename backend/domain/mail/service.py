"""发送记录 reads and the audited retry, for the system administrator."""

from __future__ import annotations

import math
from typing import Any

from backend.db.tables import MailOutbox
from backend.db.transactions import write_transaction
from backend.domain.errors import Invalid, NotFound
from backend.domain.mail.outbox import retry, waiting_counts
from backend.rules.messages import OutboxStatus
from backend.security.audit import Actor, AuditAction, record
from backend.settings import get_settings

# Sort keys as they appear in the URL (a leading "-" for descending) → column.
SORTS = {
    "created": MailOutbox.id,
    "status": MailOutbox.status,
    "attempts": MailOutbox.attempts,
    "to": MailOutbox.to_address,
    "sent": MailOutbox.sent_at,
}
DEFAULT_SORT = "-created"


def parse_sort(raw: str) -> tuple[str, bool]:
    """(key, ascending) for a sort parameter; unknown ones fall back to newest first."""
    key = raw.removeprefix("-")
    if key not in SORTS:
        return "created", False
    return key, not raw.startswith("-")


async def outbox_page(status: str, sort: str, page: int, page_size: int) -> dict[str, Any]:
    query = MailOutbox.select(
        MailOutbox.id,
        MailOutbox.to_address,
        MailOutbox.kind,
        MailOutbox.subject,
        MailOutbox.status,
        MailOutbox.attempts,
        MailOutbox.next_attempt_at,
        MailOutbox.sent_at,
        MailOutbox.last_error,
        MailOutbox.created_at,
        MailOutbox.recipient.display_name.as_alias("recipient_name"),
    )
    counter = MailOutbox.count()
    if status:
        if status not in OutboxStatus.labels():
            raise Invalid("状态无效，可选：待发送、发送中、已发送、发送失败。")
        query = query.where(MailOutbox.status == status)
        counter = counter.where(MailOutbox.status == status)
    key, ascending = parse_sort(sort)
    total = await counter
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    rows = (
        await query.order_by(SORTS[key], ascending=ascending)
        .order_by(MailOutbox.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "offset": (page - 1) * page_size,
        "sort_key": key,
        "ascending": ascending,
        "counts": await waiting_counts(),
        "mail_enabled": get_settings().mail_enabled,
    }


async def retry_mail(actor: Actor, outbox_id: int) -> None:
    """Send a failed (or waiting) e-mail again on the next run; audited."""
    row = (
        await MailOutbox.select(MailOutbox.status, MailOutbox.attempts)
        .where(MailOutbox.id == outbox_id)
        .first()
    )
    if row is None:
        raise NotFound("未找到该邮件记录。")
    async with write_transaction():
        if not await retry(outbox_id):
            raise Invalid(f"该邮件{OutboxStatus.label_of(row['status'])}，无需重新发送。")
        await record(
            AuditAction.MAIL_RETRY,
            actor,
            entity="mail_outbox",
            entity_id=outbox_id,
            changes={
                "status": {"from": row["status"], "to": OutboxStatus.PENDING.value},
                "attempts": {"from": row["attempts"], "to": 0},
            },
        )
